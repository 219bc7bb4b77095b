"""The click commands: init-db, seed-demo and solve-week, run through the app's CLI runner."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import inspect

from scheduler import solver as sv
from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import (
    Competency,
    Duty,
    Leave,
    LeaveKind,
    Rota,
    RotaStatus,
    ShiftType,
    Site,
    SolveRun,
    Staff,
    StaffRole,
    Station,
)
from scheduler.services.problem_loader import build_problem
from scheduler.services.rota_lookup import latest_rota, planned_with
from scheduler.services.solver_terms import rota_to_solver
from scheduler.services.solving import run_solve

from .conftest import MONDAY


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


def test_init_db_creates_the_tables(app, runner):
    db.drop_all()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0
    assert "Initialised" in result.output
    assert {"sites", "staff", "rotas", "rota_assignments", "solve_runs"} <= set(
        inspect(db.engine).get_table_names()
    )


def test_seed_demo_creates_both_sites_and_is_repeatable(runner):
    for _ in range(2):
        result = runner.invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        db.session.remove()
    assert "Riverside Hospital: 30 staff" in result.output
    assert "Main Street Pharmacy: 10 staff" in result.output
    assert count(Site) == 2
    hospital = db.session.scalar(db.select(Site).where(Site.name == "Riverside Hospital"))
    retail = db.session.scalar(db.select(Site).where(Site.name == "Main Street Pharmacy"))
    assert hospital.open_24_7
    assert hospital.timezone == "America/Chicago"
    assert count(Staff, Staff.home_site_id == hospital.id) == 30
    assert count(Staff, Staff.home_site_id == hospital.id, Staff.role == StaffRole.PHARMACIST) == 8
    assert count(Staff, Staff.home_site_id == hospital.id, Staff.role == StaffRole.TRAINEE) == 4
    assert count(Staff, Staff.home_site_id == retail.id) == 10
    assert count(Station, Station.site_id == hospital.id) == 6
    assert count(Station, Station.site_id == retail.id) == 5
    assert count(Duty, Duty.site_id == hospital.id) == 4
    assert count(Competency) == 13
    assert [h.weekday for h in retail.opening_hours] == list(range(7))
    # Two sterile qualifications lapse inside the demo week.
    monday = monday_of(date.today())
    lapsing = [
        sk
        for p in hospital.staff
        for sk in p.skills
        if sk.valid_until is not None and monday <= sk.valid_until < monday + timedelta(days=6)
    ]
    assert {sk.competency.code for sk in lapsing} == {"GFT", "MF"}
    # Last week is published for both sites, approved by the PIC: history for this week.
    assert f"Published the week of {monday - timedelta(days=7)} as history" in result.output
    for site in (hospital, retail):
        last = latest_rota(site.id, monday - timedelta(days=7))
        assert last.status is RotaStatus.PUBLISHED
        assert last.assignments
        assert last.approved_by.role.value == "pic"
        assert last.published_by.role.value == "supervisor"
    problem, _ = build_problem(planned_with(hospital), monday - timedelta(days=7))
    both = sv.Rota(
        tuple(
            a
            for s in (hospital, retail)
            for a in rota_to_solver(latest_rota(s.id, monday - timedelta(days=7))).assignments
        )
    )
    assert sv.validate(problem, both).violations == []


def test_solve_week_stores_a_draft_and_prints_the_station_grid(tiny_site, runner):
    wednesday = MONDAY + timedelta(days=2)
    result = runner.invoke(
        args=[
            "solve-week",
            "--site",
            "Tiny Pharmacy",
            "--week",
            wednesday.isoformat(),
            "--time-limit",
            "5",
        ]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"solving the week starting Monday {MONDAY}" in out
    assert "Status: " in out
    assert "Score by level: " in out  # e.g. '14 cover gaps · 0 h below contract · ...'
    assert " cover gap" in out
    assert " h below contract" in out
    assert "How far from the best possible: cover: " in out
    assert "Stored draft rota version 1" in out
    assert "| Central fill" in out
    assert "| Order entry" in out
    assert "Mon 2 Mar" in out
    assert "Sun 8 Mar" in out
    assert "Score breakdown by level:" in out
    assert "Level 1 \u2013 cover: " in out
    assert "Level 3 \u2013 contracts: " in out
    rota = db.session.scalar(db.select(Rota))
    assert rota.status is RotaStatus.DRAFT
    assert rota.week_start == MONDAY
    assert rota.assignments
    assert db.session.scalar(db.select(SolveRun)).rota_id == rota.id


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--site", "Tiny Pharmacy", "--week", "2026-02-30"], "Invalid value for '--week'"),
        (["--site", "Tiny Pharmacy", "--week", "next week"], "Invalid value for '--week'"),
        (["--site", "Nowhere", "--week", "2026-03-02"], "no site named 'Nowhere'"),
    ],
)
def test_solve_week_rejects_bad_input_cleanly(tiny_site, runner, args, message):
    result = runner.invoke(args=["solve-week", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert count(Rota) == 0


def test_solve_week_on_an_empty_database_says_so(app, runner):
    db.drop_all()
    result = runner.invoke(args=["solve-week", "--site", "X", "--week", "2026-03-02"])
    assert result.exit_code == 1
    assert "init-db" in result.output
    assert "Traceback" not in result.output


def test_demo_hospital_week_solves_without_violations(runner):
    """End to end: the seeded hospital's week in 6 s, checked by the solver's validator."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.remove()
    hospital = db.session.scalar(db.select(Site).where(Site.name == "Riverside Hospital"))
    monday = monday_of(date.today())
    group = planned_with(hospital)  # the demo plans both sites of its group together
    assert [s.name for s in group] == ["Riverside Hospital", "Main Street Pharmacy"]
    problem, _ = build_problem(group, monday)
    rota = run_solve(hospital, monday, time_limit=6)
    assert rota.solve_status in ("optimal", "feasible")
    assert rota.assignments
    drafts = [latest_rota(s.id, monday) for s in group]
    both = sv.Rota(tuple(a for d in drafts for a in rota_to_solver(d).assignments))
    report = sv.validate(problem, both)
    assert report.violations == []
    assert report.objective == rota.objective


def test_solve_week_short_staffed_returns_a_rota_with_the_shortfall_named(tiny_site, runner):
    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    ann.max_minutes_per_week = ann.min_minutes_per_week = 3360  # seven 8-hour shifts...
    ann.max_consecutive_days = 5  # ...but never more than five days in a row
    db.session.commit()
    result = runner.invoke(
        args=["solve-week", "--site", "Tiny Pharmacy", "--week", str(MONDAY), "--time-limit", "5"]
    )
    assert result.exit_code == 0, result.output
    assert "Status: infeasible" not in result.output
    # five days in a row, a day off, one more day: six of the seven shifts
    assert "Ann: 8 h below the 56 h the contract asks for in these 7 days" in result.output
    rota = db.session.scalar(db.select(Rota))
    assert rota.solve_status in ("optimal", "feasible")
    assert rota.assignments


def test_solve_week_names_the_conflicting_rules_when_no_rota_exists(tiny_site, runner, make_rota):
    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    fill = db.session.scalar(db.select(Station).where(Station.name == "Central fill"))
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    make_rota(tiny_site, status=RotaStatus.DRAFT, rows=[(ann, MONDAY, day, fill)], pinned=True)
    db.session.add(
        Leave(staff=ann, start_date=MONDAY, end_date=MONDAY, kind=LeaveKind.ANNUAL, approved=True)
    )
    db.session.commit()
    result = runner.invoke(
        args=["solve-week", "--site", "Tiny Pharmacy", "--week", str(MONDAY), "--time-limit", "5"]
    )
    assert result.exit_code == 1, result.output
    why = [line.strip() for line in result.output.splitlines() if line.startswith("  - ")]
    assert "- Ann is on leave on Mon 2 Mar" in why, result.output
    assert "- Pin: Ann on Mon 2 Mar day at Central fill" in why, why
    assert count(Rota) == 1  # the pinned draft alone: no draft of the pins was stored
