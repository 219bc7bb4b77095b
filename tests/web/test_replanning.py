"""Re-planning respects what happened: kept days, changes ranked below cover, the past refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.extensions import db
from scheduler.models import Leave, LeaveKind, Rota, RotaStatus, SolveKind, SolveRun, Staff
from scheduler.services.problem_loader import build_problem
from scheduler.services.replanning import replan_inputs

from .conftest import MONDAY
from .test_rotas import WEEK, named, shown, solve

ANNUAL = {"kind": LeaveKind.ANNUAL, "approved": True}


@pytest.fixture
def sync_jobs(app):
    """Solve jobs run before the request returns."""
    app.config["SOLVE_JOBS_SYNC"] = True
    return app


def _published_first_version(client, site) -> Rota:
    solve(client, site)
    first = db.session.scalar(db.select(Rota))
    first.status = RotaStatus.PUBLISHED
    db.session.commit()
    return first


def _placements(rota: Rota, before=None, after=None) -> set[tuple]:
    return {
        (a.staff_id, a.on_date, a.shift_type_id, a.station_id, a.duty_id, a.mode)
        for a in rota.assignments
        if (before is None or a.on_date < before) and (after is None or a.on_date >= after)
    }


def test_a_published_week_keeps_the_days_before_today_and_counts_changes_against_it(
    app, tiny_site, make_rota
):
    published = make_rota(tiny_site, status=RotaStatus.PUBLISHED, rows=[])
    draft = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=[], version=2)
    db.session.commit()
    app.config["TODAY"] = MONDAY + timedelta(days=3)  # Thursday
    replan = replan_inputs(tiny_site, MONDAY, SolveKind.COMPLETE)
    assert replan.keep.days == 3  # Monday to Wednesday are history
    assert replan.keep.rotas == (draft,)  # as the latest version has them
    assert replan.reference == [published]  # changes are counted against what people have
    assert replan.keep.short_notice_days == 5  # today and tomorrow are short notice
    problem, _ids = build_problem(tiny_site, MONDAY, reference=replan.reference, keep=replan.keep)
    assert (problem.kept_days, problem.short_notice_days) == (3, 5)


def test_a_week_never_published_keeps_nothing_unless_a_sick_call_starts_later(
    app, tiny_site, make_rota
):
    draft = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=[])
    db.session.commit()
    app.config["TODAY"] = MONDAY + timedelta(days=3)
    assert replan_inputs(tiny_site, MONDAY, SolveKind.COMPLETE).keep.days == 0
    assert replan_inputs(tiny_site, MONDAY, SolveKind.COMPLETE).reference is None
    sick = replan_inputs(tiny_site, MONDAY, SolveKind.REPLAN, draft, MONDAY + timedelta(days=5))
    assert sick.keep.days == 5  # the days before the absence
    assert sick.reference == [draft]


def test_leave_recorded_over_a_kept_day_does_not_rewrite_it(app, tiny_site, make_rota):
    ann = named(Staff, "Ann")
    make_rota(tiny_site, status=RotaStatus.PUBLISHED, rows=[])
    db.session.add(
        Leave(staff=ann, start_date=MONDAY, end_date=MONDAY + timedelta(days=4), **ANNUAL)
    )
    db.session.commit()
    app.config["TODAY"] = MONDAY + timedelta(days=2)
    replan = replan_inputs(tiny_site, MONDAY, SolveKind.COMPLETE)
    problem, ids = build_problem(tiny_site, MONDAY, reference=replan.reference, keep=replan.keep)
    away = problem.person[ids.key("staff", ann.id)].unavailable
    assert {d for d, _shift in away} >= {2, 3, 4}
    assert not {d for d, _shift in away} & {0, 1}  # Monday and Tuesday are history


def test_completing_a_started_published_week_changes_nothing_before_today(
    app, client, login, tiny_site, sync_jobs
):
    login("supervisor")
    first = _published_first_version(client, tiny_site)
    today = MONDAY + timedelta(days=3)
    app.config["TODAY"] = today
    # Ben leaves the site from today: his shifts from today on must be re-planned.
    ben = named(Staff, "Ben")
    db.session.add(
        Leave(staff=ben, start_date=MONDAY, end_date=MONDAY + timedelta(days=6), **ANNUAL)
    )
    db.session.commit()
    page = solve(client, tiny_site, kind="complete")
    assert page.status_code == 302
    second = db.session.scalar(db.select(SolveRun).order_by(SolveRun.id.desc())).rota
    assert second.version == 2
    assert second.based_on_id == first.id
    assert _placements(second, before=today) == _placements(first, before=today)
    assert not any(a.staff_id == ben.id and a.on_date >= today for a in second.assignments)
    html = client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)
    assert "What changed since version 1" in html
    assert "shifts changed for" in html or "shift changed for" in html  # the score's level 2


def test_a_sick_call_cannot_start_before_today(app, client, login, tiny_site, sync_jobs):
    login("supervisor")
    first = _published_first_version(client, tiny_site)
    app.config["TODAY"] = MONDAY + timedelta(days=2)
    ann = named(Staff, "Ann")
    page = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/absence",
        data=shown(
            first,
            staff=ann.id,
            start=MONDAY.isoformat(),
            end=MONDAY.isoformat(),
            time_limit=3,
            submit="y",
        ),
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "A sick call starts today (Wed 4 Mar) or later" in html
    assert db.session.scalar(db.select(db.func.count(Leave.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Rota.id))) == 1


def test_a_published_week_that_has_passed_is_not_re_planned(
    app, client, login, tiny_site, sync_jobs
):
    login("supervisor")
    _published_first_version(client, tiny_site)
    app.config["TODAY"] = MONDAY + timedelta(days=9)
    page = solve(client, tiny_site, kind="complete")
    assert page.status_code == 302
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "has passed and was published: its days are kept as worked" in html
    assert db.session.scalar(db.select(db.func.count(Rota.id))) == 1
