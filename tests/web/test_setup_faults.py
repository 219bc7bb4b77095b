"""A week whose set-up has faults: the run fails with them, the page and the CLI list them."""

from __future__ import annotations

from datetime import time

import pytest
from markupsafe import escape

from scheduler import jobs
from scheduler.extensions import db
from scheduler.models import (
    Duty,
    DutyKind,
    RotaStatus,
    ShiftType,
    SolveRun,
    SolveStatus,
    Staff,
    Station,
)
from scheduler.services import rota_edits
from scheduler.services.run_messages import SETUP_FAULTS, listed_faults

from .conftest import MONDAY

WEEK = MONDAY.isoformat()
FAULTS = [
    "Shift type Day at Tiny Pharmacy: length 0 minutes; a shift must last at least a minute",
    "Ann's contract: the fewest working days in a row is 0; it must be 1 or more",
    "Duty Cabinet restock: 0 minutes; a duty must take at least a minute",
]


@pytest.fixture
def faulty_site(tiny_site):
    """The tiny site with three faults the forms refuse, written straight to the database."""
    day = db.session.scalar(
        db.select(ShiftType).where(ShiftType.site_id == tiny_site.id, ShiftType.code == "D")
    )
    day.end = time(7, 0)  # ends when it starts
    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    ann.min_consecutive_days = 0
    db.session.add(
        Duty(site=tiny_site, name="Cabinet restock", kind=DutyKind.CABINET_RESTOCK, minutes=0)
    )
    db.session.commit()
    return tiny_site


def test_setup_faults_generate_fails_the_run_and_the_week_page_lists_them(
    app, client, login, faulty_site
):
    app.config["SOLVE_JOBS_SYNC"] = True
    login("supervisor")
    page = client.post(
        f"/rotas/{faulty_site.id}/{WEEK}/solve", data={"time_limit": 3, "generate": "y"}
    )
    assert page.status_code == 302
    assert page.location.endswith(f"/rotas/{faulty_site.id}/{WEEK}")
    run = db.session.scalar(db.select(SolveRun))
    assert run.status is SolveStatus.FAILED
    assert run.message == "\n".join([SETUP_FAULTS, *FAULTS])
    html = client.get(page.location).get_data(as_text=True)
    assert "This week's set-up has problems the engine cannot plan with:" in html
    listed = html[html.index('id="setup-faults"') :]
    listed = listed[: listed.index("</section>")]
    assert listed.count("<li>") == len(FAULTS), listed
    for fault in FAULTS:
        assert f"<li>{escape(fault)}</li>" in listed, listed
    assert "Traceback" not in html


def test_setup_faults_a_job_that_meets_them_fails_its_run_with_them(app, faulty_site):
    app.config["SOLVE_JOBS_SYNC"] = True
    run_id = jobs.start_solve(faulty_site.id, MONDAY, 3)
    run = db.session.get(SolveRun, run_id, populate_existing=True)
    assert run.status is SolveStatus.FAILED
    assert listed_faults(run.message) == FAULTS
    progress = jobs.progress(run_id)
    assert progress.finished
    assert progress.message.startswith(SETUP_FAULTS)


def test_setup_faults_solve_week_lists_them_and_exits_non_zero(runner, faulty_site):
    result = runner.invoke(
        args=["solve-week", "--site", "Tiny Pharmacy", "--week", WEEK, "--time-limit", "3"]
    )
    assert result.exit_code == 1
    assert SETUP_FAULTS in result.output
    for fault in FAULTS:
        assert f"  - {fault}" in result.output
    assert "Traceback" not in result.output
    run = db.session.scalar(db.select(SolveRun))
    assert run.status is SolveStatus.FAILED
    assert listed_faults(run.message) == FAULTS


def test_setup_faults_a_week_with_a_rota_lists_them_and_refuses_hand_edits(
    client, login, faulty_site, make_rota
):
    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    fill = db.session.scalar(db.select(Station).where(Station.name == "Central fill"))
    eve = db.session.scalar(
        db.select(ShiftType).where(ShiftType.site_id == faulty_site.id, ShiftType.code == "E")
    )
    rota = make_rota(faulty_site, status=RotaStatus.DRAFT, rows=[(ann, MONDAY, eve, fill)])
    db.session.commit()
    # the faults went straight to the database, past the audit log that keys the findings
    # the week page reuses: an earlier test's findings for the same key must not answer
    rota_edits._findings.clear()
    login("supervisor")
    page = client.get(f"/rotas/{faulty_site.id}/{WEEK}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "This week's set-up has problems the engine cannot plan with:" in html
    assert f"<li>{escape(FAULTS[0])}</li>" in html
    [row] = rota.assignments
    removed = client.post(
        f"/rotas/assignments/{row.id}/remove", data={"rota": rota.id, "lock": rota.lock_version}
    )
    assert removed.status_code == 302
    assert len(rota.assignments) == 1
