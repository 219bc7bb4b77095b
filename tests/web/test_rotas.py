"""The rota pages: read a week by station and by person, adjust it, re-plan a sick call, publish."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from scheduler.extensions import db
from scheduler.models import (
    AssignmentMode,
    Leave,
    LeaveKind,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    SolveRun,
    Staff,
    Station,
    User,
)
from scheduler.models.rotas import RotaPolicy
from scheduler.services.rota_pages import published_shifts

from .conftest import MONDAY

WEEK = MONDAY.isoformat()


@pytest.fixture
def sync_jobs(app):
    """Solve jobs run before the request returns, so a test can read the result at once."""
    app.config["SOLVE_JOBS_SYNC"] = True
    return app


def named(model, name):
    return db.session.scalar(db.select(model).where(model.name == name))


def shift(site, code) -> ShiftType:
    return db.session.scalar(
        db.select(ShiftType).where(ShiftType.site_id == site.id, ShiftType.code == code)
    )


def rows(rota):
    return {(a.staff.name, a.on_date): a for a in rota.assignments}


def shown(rota, **data):
    """Form data of an edit sent from a page that showed ``rota`` as it is now."""
    return {"rota": rota.id, "lock": rota.lock_version, **data}


@pytest.fixture
def tiny_rota(tiny_site, make_rota):
    """A hand-made draft of the tiny site: Ann and Ben on Central fill, Pat and Quin verifying."""
    day, eve = shift(tiny_site, "D"), shift(tiny_site, "E")
    fill, entry = named(Station, "Central fill"), named(Station, "Order entry")
    ann, ben, cat = named(Staff, "Ann"), named(Staff, "Ben"), named(Staff, "Cat")
    pat, quin = named(Staff, "Pat"), named(Staff, "Quin")
    table = []
    for d in range(5):
        on = MONDAY + timedelta(days=d)
        table += [
            (ann, on, day, fill),
            (ben, on, eve, fill),
            (pat, on, day, entry),
            (quin, on, eve, entry),
        ]
    table += [(cat, MONDAY + timedelta(days=5), day, fill)]
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=table)
    db.session.commit()
    return rota


def solve(client, site, kind="generate", limit=3):
    return client.post(f"/rotas/{site.id}/{WEEK}/solve", data={"time_limit": limit, kind: "y"})


# ----- reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["supervisor", "pic"])
def test_managers_read_the_week_by_station_by_person_and_explained(client, login, tiny_rota, role):
    login(role)
    page = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Tiny Pharmacy: week of Mon 2 Mar 2026" in html
    assert "By station" in html
    assert "By person" in html
    assert "07:00–15:00" in html
    assert "America/Chicago" in html
    assert "Version 1" in html
    assert "Draft" in html
    assert ("Move</a>" in html) is (role == "supervisor")


def test_a_technician_may_not_open_rota_pages(client, login, tiny_rota, make_staff):
    login("technician", staff=named(Staff, "Ann"))
    assert client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").status_code == 403
    a = tiny_rota.assignments[0]
    assert client.post(f"/rotas/assignments/{a.id}/pin").status_code == 403
    assert client.post(f"/rotas/versions/{tiny_rota.id}/publish").status_code == 403
    assert client.post(f"/rotas/{tiny_rota.site_id}/{WEEK}/solve").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, tiny_rota):
    page = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}")
    assert page.status_code == 302
    assert "/auth/login" in page.location


@pytest.mark.parametrize(
    "path",
    [
        "/rotas/999/2026-03-02",
        "/rotas/{site}/not-a-date",
        "/rotas/{site}/2026-03-02?version=9",
        "/rotas/runs/999",
        "/rotas/runs/999.json",
        "/rotas/assignments/999/move",
    ],
)
def test_unknown_things_are_404(client, login, tiny_rota, path):
    login("supervisor")
    assert client.get(path.format(site=tiny_rota.site_id)).status_code == 404


def test_a_date_that_is_not_a_monday_goes_to_its_week(client, login, tiny_site):
    login("supervisor")
    page = client.get(f"/rotas/{tiny_site.id}/{MONDAY + timedelta(days=3)}")
    assert page.status_code == 302
    assert page.location.endswith(f"/rotas/{tiny_site.id}/{WEEK}")


def test_a_week_without_a_rota_offers_to_generate(client, login, tiny_site):
    login("supervisor")
    html = client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)
    assert "No rota yet" in html
    assert "Generate a new rota" in html


def test_wall_chart_pairs_trainees_and_marks_gaps_with_text(
    client, login, tiny_site, sync_jobs, make_staff
):
    fill = named(Station, "Central fill").competencies[0]
    ann = named(Staff, "Ann")
    ann.skills[0].level = "trainer"
    tia = make_staff(
        tiny_site, "Tia", {fill: "supervised"}, role="trainee", min_minutes_per_week=480
    )
    db.session.commit()
    login("supervisor")
    solve(client, tiny_site)
    rota = db.session.scalar(db.select(Rota))
    html = client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)
    trainee_rows = [a for a in rota.assignments if a.staff_id == tia.id]
    assert trainee_rows
    assert all(a.mode is AssignmentMode.TRAINEE for a in trainee_rows)
    assert "trainee</span> &larr;&nbsp;Ann" in html
    # The tiny site has two pharmacists for fourteen verification shifts: gaps, named in words.
    assert "(1 short)" in html
    assert "short of the minimum cover" in html  # the legend
    assert "Suggest someone" in html
    assert "Station cover" in html
    assert "short of the minimum 1" in html


def test_the_wall_chart_keeps_its_editing_controls_for_edit_mode(
    client, login, tiny_site, make_rota
):
    """A draft's chart shows names only; ?edit=1 (the Edit mode link, for pages without
    scripts) opens edit mode, and a pin made there comes back to edit mode."""
    ann, fill = named(Staff, "Ann"), named(Station, "Central fill")
    day = tiny_site.shift_types[0]
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=[(ann, MONDAY, day, fill)])
    db.session.commit()
    login("supervisor")
    page = f"/rotas/{tiny_site.id}/{WEEK}"
    html = client.get(page).get_data(as_text=True)
    assert 'class="card chart-card" id="by-station"' in html  # edit mode off
    assert f'href="{page}?version=1&amp;edit=1#by-station">Edit mode</a>' in html
    assert 'class="acts edit-only"' in html  # shown by edit mode, hidden until then
    html = client.get(f"{page}?version=1&edit=1").get_data(as_text=True)
    assert 'class="card chart-card editing" id="by-station"' in html
    assert f'href="{page}?version=1#by-station">Leave edit mode</a>' in html
    a = rota.assignments[0]
    state = {"rota": rota.id, "lock": rota.lock_version}
    done = client.post(f"/rotas/assignments/{a.id}/pin", data=state)
    assert done.headers["Location"].endswith(f"{page}?version=1&edit=1#by-station")
    # Column heads: the shift's code, its name and hours spelled out for screen readers.
    assert '<abbr title="Day 07:00–15:00" aria-hidden="true">D</abbr>' in html
    assert '<span class="vh">Day 07:00–15:00</span>' in html
    # A published version has no edit mode.
    rota.status = RotaStatus.PUBLISHED
    db.session.commit()
    assert "Edit mode" not in client.get(page).get_data(as_text=True)


# ----- generating, in the background ---------------------------------------------------------


def test_generate_runs_a_solve_and_shows_its_result(client, login, tiny_site, sync_jobs):
    login("supervisor")
    page = solve(client, tiny_site)
    assert page.status_code == 302
    run = db.session.scalar(db.select(SolveRun))
    assert page.location.endswith(f"/rotas/{tiny_site.id}/{WEEK}?run={run.id}")  # the week
    assert run.status.value == "done"
    assert run.kind == "full"
    html = client.get(page.location).get_data(as_text=True)  # ended: the new version itself
    assert f"Solve {run.id} is done: version 1 is its new draft." in html
    assert "Version 1" in html
    assert "By station" in html
    html = client.get(f"/rotas/runs/{run.id}").get_data(as_text=True)  # the run, for history
    assert "See version 1" in html
    assert '<progress id="run-bar" max="100" value="100">' in html
    data = client.get(f"/rotas/runs/{run.id}.json").get_json()
    assert data["status"] == "done"
    assert data["finished"] is True
    assert data["percent"] == 100
    assert data["objective"] == run.rota.objective
    assert data["rota_url"].endswith(f"/rotas/{tiny_site.id}/{WEEK}?version=1")


def test_generate_rejects_a_bad_time_limit_next_to_the_field(client, login, tiny_site):
    login("supervisor")
    page = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/solve", data={"time_limit": "9999", "generate": "y"}
    )
    assert page.status_code == 422
    assert "Use between 1 and 300 seconds." in page.get_data(as_text=True)
    assert 'value="9999"' in page.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SolveRun.id))) == 0


def test_complete_the_rest_keeps_the_pins(client, login, tiny_rota, sync_jobs):
    login("supervisor")
    keep = rows(tiny_rota)[("Ann", MONDAY + timedelta(days=2))]
    assert (
        client.post(f"/rotas/assignments/{keep.id}/pin", data=shown(tiny_rota)).status_code == 302
    )
    assert keep.pinned
    cat = rows(tiny_rota)[("Cat", MONDAY + timedelta(days=5))]
    client.post(f"/rotas/assignments/{cat.id}/pin", data=shown(tiny_rota))
    client.post(f"/rotas/assignments/{cat.id}/pin", data=shown(tiny_rota))  # and unpinned
    assert not cat.pinned
    solve(client, tiny_rota.site, kind="complete")
    run = db.session.scalar(db.select(SolveRun))
    assert run.kind == "complete"
    new = run.rota
    assert new.version == 2
    pinned = [(a.staff.name, a.on_date, a.shift_type.code) for a in new.assignments if a.pinned]
    assert pinned == [("Ann", MONDAY + timedelta(days=2), "D")]


# ----- adjusting by hand ---------------------------------------------------------------------


def test_remove_takes_an_assignment_off_and_rescores(client, login, tiny_rota):
    login("supervisor")
    gone = rows(tiny_rota)[("Ann", MONDAY)]
    page = client.post(
        f"/rotas/assignments/{gone.id}/remove", data=shown(tiny_rota), follow_redirects=True
    )
    assert "Removed Ann from Mon 2 Mar." in page.get_data(as_text=True)
    db.session.expire_all()
    assert ("Ann", MONDAY) not in rows(tiny_rota)
    assert any("Mon 2 Mar day, Central fill: 1 short" in c["sentence"] for c in tiny_rota.costs)
    html = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").get_data(as_text=True)
    assert "Mon 2 Mar day, Central fill: 1 short of the minimum 1" in html


def test_a_rota_that_breaks_hard_rules_is_flagged_with_the_rule(client, login, tiny_rota):
    login("pic")
    html = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").get_data(as_text=True)
    assert "Hard rules broken by this version" not in html  # Dov short of hours is level 2
    dov, eve = named(Staff, "Dov"), shift(tiny_rota.site, "E")
    tiny_rota.assignments.append(
        RotaAssignment(
            staff=dov,
            on_date=MONDAY + timedelta(days=5),
            shift_type=eve,
            station=named(Station, "Order entry"),
        )
    )
    db.session.commit()
    html = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").get_data(as_text=True)
    assert "Hard rules broken by this version" in html
    assert "Dov on Sat 7 Mar evening at Order entry: Dov does not hold" in html


def test_remove_that_orphans_a_trainee_is_refused_with_the_rule(
    client, login, tiny_site, make_rota, make_staff
):
    fill_station = named(Station, "Central fill")
    fill = fill_station.competencies[0]
    ann = named(Staff, "Ann")
    ann.skills[0].level = "trainer"
    tia = make_staff(tiny_site, "Tia", {fill: "supervised"}, role="trainee")
    day = shift(tiny_site, "D")
    rota = make_rota(
        tiny_site,
        status=RotaStatus.DRAFT,
        rows=[(ann, MONDAY, day, fill_station), (tia, MONDAY, day, fill_station, "trainee", ann)],
    )
    db.session.commit()
    login("supervisor")
    trainer_row = rows(rota)[("Ann", MONDAY)]
    html = client.post(
        f"/rotas/assignments/{trainer_row.id}/remove", data=shown(rota), follow_redirects=True
    ).get_data(as_text=True)
    assert "Refused" in html
    assert "Trainees beside a trainer" in html or "trainer" in html
    db.session.expire_all()
    assert ("Ann", MONDAY) in rows(rota)


def test_move_to_a_station_the_person_is_not_qualified_for_is_refused(client, login, tiny_rota):
    login("supervisor")
    ann = rows(tiny_rota)[("Ann", MONDAY)]
    entry = named(Station, "Order entry")
    page = client.get(f"/rotas/assignments/{ann.id}/move")
    assert page.status_code == 200
    assert "Move Ann" in page.get_data(as_text=True)
    page = client.post(
        f"/rotas/assignments/{ann.id}/move",
        data=shown(tiny_rota, on_date=WEEK, shift=ann.shift_type_id, place=f"station-{entry.id}"),
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Refused" in html
    assert "Qualified, available, one shift a day" in html  # the rule, named
    assert "Ann does not hold Competency RPHV" in html
    db.session.expire_all()
    assert ann.station.name == "Central fill"


def test_move_to_a_free_slot_pins_it_there(client, login, tiny_rota):
    login("supervisor")
    cat = rows(tiny_rota)[("Cat", MONDAY + timedelta(days=5))]
    eve = shift(tiny_rota.site, "E")
    page = client.post(
        f"/rotas/assignments/{cat.id}/move",
        data=shown(
            tiny_rota,
            on_date=(MONDAY + timedelta(days=6)).isoformat(),
            shift=eve.id,
            place=f"station-{cat.station_id}",
        ),
    )
    assert page.status_code == 302
    db.session.expire_all()
    assert (cat.on_date, cat.shift_type.code, cat.pinned) == (MONDAY + timedelta(days=6), "E", True)


def test_move_onto_a_day_already_worked_is_refused(client, login, tiny_rota):
    login("supervisor")
    ann = rows(tiny_rota)[("Ann", MONDAY)]
    page = client.post(
        f"/rotas/assignments/{ann.id}/move",
        data=shown(
            tiny_rota,
            on_date=(MONDAY + timedelta(days=1)).isoformat(),
            shift=ann.shift_type_id,
            place=f"station-{ann.station_id}",
        ),
    )
    assert page.status_code == 422
    assert "one shift a day" in page.get_data(as_text=True)


def test_move_form_rejects_choices_not_offered(client, login, tiny_rota):
    login("supervisor")
    ann = rows(tiny_rota)[("Ann", MONDAY)]
    page = client.post(
        f"/rotas/assignments/{ann.id}/move",
        data=shown(tiny_rota, on_date="2031-01-01", shift="x", place="station-999"),
    )
    assert page.status_code == 422
    assert "Not a valid choice" in page.get_data(as_text=True)


def test_a_published_version_cannot_be_edited_but_can_be_copied(client, login, tiny_rota):
    tiny_rota.status = RotaStatus.PUBLISHED
    db.session.commit()
    login("supervisor")
    a = tiny_rota.assignments[0]
    html = client.post(
        f"/rotas/assignments/{a.id}/remove", data=shown(tiny_rota), follow_redirects=True
    ).get_data(as_text=True)
    assert "start a new draft" in html
    assert len(tiny_rota.assignments) == 21
    page = client.post(f"/rotas/versions/{tiny_rota.id}/draft", data=shown(tiny_rota, latest=1))
    assert page.status_code == 302
    draft = db.session.scalar(db.select(Rota).where(Rota.version == 2))
    assert draft.status is RotaStatus.DRAFT
    assert draft.based_on_id == tiny_rota.id
    assert len(draft.assignments) == 21


# ----- suggestions for an open shift --------------------------------------------------------------


def test_replacements_are_ranked_with_reasons_and_can_be_assigned(client, login, tiny_rota):
    login("supervisor")
    site, fill = tiny_rota.site, named(Station, "Central fill")
    sunday = MONDAY + timedelta(days=6)
    day = shift(site, "D")
    url = f"/rotas/{site.id}/{WEEK}/replacements?on_date={sunday}&shift={day.id}&station={fill.id}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Who could work Central fill, Sun 8 Mar day?" in html
    # Dov has no shift yet: adding him clears a gap and uses 8 of his 40 hours.
    assert "qualified, available, 8 of 40 h used" in html
    assert "clears: Sun 8 Mar day, Central fill: 1 short of the minimum 1" in html
    # Pharmacists do not hold central fill: listed as not possible, with the reason.
    assert "Pat: Pat does not hold Central fill" in html
    # Ann has worked Monday to Friday: a sixth shift passes her contract's 40 hours, said in
    # the words of the wall chart's gaps.
    ann_at = html.index("<h2>Ann")
    dov_at = html.index("<h2>Dov")
    assert dov_at < ann_at
    assert "Ann: 40 h already rostered of the contract&#39;s 40 h" in html[ann_at:]
    dov = named(Staff, "Dov")
    page = client.post(
        f"/rotas/{site.id}/{WEEK}/assign",
        data=shown(
            tiny_rota, staff=dov.id, on_date=sunday.isoformat(), shift=day.id, station=fill.id
        ),
    )
    assert page.status_code == 302
    db.session.expire_all()
    added = rows(tiny_rota)[("Dov", sunday)]
    assert added.pinned
    assert added.station_id == fill.id


def test_assign_that_breaks_a_rule_is_refused(client, login, tiny_rota):
    login("supervisor")
    site, fill = tiny_rota.site, named(Station, "Central fill")
    sunday = MONDAY + timedelta(days=5)
    ann, day = named(Staff, "Ann"), shift(site, "D")
    html = client.post(
        f"/rotas/{site.id}/{WEEK}/assign",
        data=shown(
            tiny_rota, staff=ann.id, on_date=sunday.isoformat(), shift=day.id, station=fill.id
        ),
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Refused" in html
    assert "in a row" in html
    db.session.expire_all()
    assert ("Ann", sunday) not in rows(tiny_rota)


def test_replacements_for_an_unknown_slot_are_404(client, login, tiny_rota):
    login("supervisor")
    site = tiny_rota.site
    url = f"/rotas/{site.id}/{WEEK}/replacements?on_date=2026-02-01&shift=1&station=1"
    assert client.get(url).status_code == 404
    assert client.get(f"/rotas/{site.id}/{WEEK}/replacements?on_date=x").status_code == 404


# ----- a sick call ----------------------------------------------------------------------


def test_sick_call_replans_with_few_changes_and_lists_them(
    app, client, login, tiny_site, sync_jobs
):
    login("supervisor")
    solve(client, tiny_site)
    first = db.session.scalar(db.select(Rota))
    first.status = RotaStatus.PUBLISHED
    db.session.commit()
    worked = sorted(a.on_date for a in first.assignments if a.staff.name == "Ann")
    sick_day = worked[1]  # Ann calls in sick on her second working day, which is today
    app.config["TODAY"] = sick_day
    ann = named(Staff, "Ann")
    page = client.get(f"/rotas/{tiny_site.id}/{WEEK}/absence")
    assert page.status_code == 200
    page = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/absence",
        data=shown(
            first,
            staff=ann.id,
            start=sick_day.isoformat(),
            end=sick_day.isoformat(),
            note="called in at 06:10",
            time_limit=3,
            submit="y",
            confirm="yes",  # seen: the shifts it uncovers (tests/web/test_pins_and_leave.py)
        ),
    )
    assert page.status_code == 302
    leave = db.session.scalar(db.select(Leave))
    assert (leave.kind, leave.approved, leave.start_date) == (LeaveKind.SICK, True, sick_day)
    run = db.session.scalar(db.select(SolveRun).where(SolveRun.kind == "replan"))
    second = run.rota
    assert second.version == 2
    assert second.based_on_id == first.id
    assert ("Ann", sick_day) not in rows(second)
    # The days before today are history: every shift on them is exactly as published.
    before = {
        (a.staff_id, a.on_date, a.shift_type_id, a.station_id, a.duty_id, a.mode)
        for a in first.assignments
        if a.on_date < sick_day
    }
    after = {
        (a.staff_id, a.on_date, a.shift_type_id, a.station_id, a.duty_id, a.mode)
        for a in second.assignments
        if a.on_date < sick_day
    }
    assert after == before
    assert any(d < sick_day for _s, d, *_rest in before)  # there was a past to keep
    html = client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True)
    assert "What changed since version 1" in html
    from scheduler.services.rota_edits import changes

    found = changes(first, second)
    assert any(c.name == "Ann" and c.day == sick_day and c.after == "off" for c in found)
    assert len(found) <= 4  # Ann's day and whoever covers it, not a new rota
    assert "Ann" in html[html.index("What changed") : html.index('id="by-station"')]


def test_sick_call_form_rejects_days_outside_the_week(client, login, tiny_rota):
    login("supervisor")
    ann = named(Staff, "Ann")
    page = client.post(
        f"/rotas/{tiny_rota.site_id}/{WEEK}/absence",
        data={
            "staff": ann.id,
            "start": (MONDAY + timedelta(days=3)).isoformat(),
            "end": (MONDAY + timedelta(days=1)).isoformat(),
            "time_limit": 3,
        },
    )
    assert page.status_code == 422
    assert "The last day cannot be before the first day." in page.get_data(as_text=True)
    page = client.post(
        f"/rotas/{tiny_rota.site_id}/{WEEK}/absence",
        data={"staff": 0, "start": "2030-01-01", "end": "2030-01-01", "time_limit": 3},
    )
    html = page.get_data(as_text=True)
    assert "Choose the person who is absent." in html
    assert "Choose a day from 02 Mar to 08 Mar 2026." in html
    assert db.session.scalar(db.select(db.func.count(Leave.id))) == 0


# ----- approval and publishing ------------------------------------------------------------------


def test_publish_needs_the_pic_approval_first(client, login, tiny_rota, make_user):
    make_user("pic", email="pic@example.org", name="Priya")
    login("supervisor")
    html = client.post(
        f"/rotas/versions/{tiny_rota.id}/publish", data=shown(tiny_rota), follow_redirects=True
    ).get_data(as_text=True)
    assert "needs the pharmacist-in-charge&#39;s approval" in html
    assert tiny_rota.status is RotaStatus.DRAFT
    client.post(f"/rotas/versions/{tiny_rota.id}/submit", data=shown(tiny_rota))
    assert tiny_rota.submitted_at is not None
    assert "Awaiting approval" in client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").get_data(
        as_text=True
    )
    assert client.post(f"/rotas/versions/{tiny_rota.id}/approve").status_code == 403

    client.post("/auth/logout")
    pic = login(db.session.scalar(db.select(User).where(User.email == "pic@example.org")))
    html = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").get_data(as_text=True)
    assert "Approve version 1" in html
    client.post(f"/rotas/versions/{tiny_rota.id}/approve", data=shown(tiny_rota))
    assert tiny_rota.approved_by_id == pic.id
    client.post(f"/rotas/versions/{tiny_rota.id}/publish", data=shown(tiny_rota))
    assert tiny_rota.status is RotaStatus.PUBLISHED
    assert tiny_rota.published_by_id == pic.id
    html = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").get_data(as_text=True)
    assert "Published" in html


def test_published_approved_and_version_times_are_in_the_site_s_zone(
    client, login, tiny_rota, make_user
):
    assert tiny_rota.site.timezone == "America/Chicago"
    priya = make_user("pic", email="p@example.org", name="Priya")
    tiny_rota.status = RotaStatus.PUBLISHED
    tiny_rota.created_at = datetime(2026, 12, 6, 14, 5, tzinfo=UTC)
    tiny_rota.approved_at, tiny_rota.approved_by = datetime(2026, 12, 6, 15, 1, tzinfo=UTC), priya
    tiny_rota.published_at = datetime(2026, 12, 6, 15, 27, tzinfo=UTC)
    db.session.commit()
    login("supervisor")
    html = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}").get_data(as_text=True)
    assert "<dt>Published</dt><dd>06 Dec 2026 09:27 CST" in html
    assert "Approved by Priya, 06 Dec 2026 09:01 CST" in html
    assert "<td>06 Dec 2026 08:05 CST</td>" in html  # the versions table
    assert "15:27" not in html
    assert " UTC" not in html


def test_an_edit_clears_the_approval(client, login, tiny_rota, make_user):
    pic = make_user("pic", email="p@example.org")
    from scheduler.services.rota_workflow import approve

    approve(tiny_rota, pic)
    login("supervisor")
    cat = rows(tiny_rota)[("Cat", MONDAY + timedelta(days=5))]
    client.post(f"/rotas/assignments/{cat.id}/remove", data=shown(tiny_rota))
    db.session.expire_all()
    assert tiny_rota.approved_at is None


def test_without_approval_a_supervisor_publishes_and_versions_supersede(client, login, tiny_rota):
    db.session.add(RotaPolicy(site_id=tiny_rota.site_id, requires_approval=False))
    db.session.commit()
    login("supervisor")
    client.post(f"/rotas/versions/{tiny_rota.id}/publish", data=shown(tiny_rota))
    assert tiny_rota.status is RotaStatus.PUBLISHED
    client.post(f"/rotas/versions/{tiny_rota.id}/draft", data=shown(tiny_rota, latest=1))
    v2 = db.session.scalar(db.select(Rota).where(Rota.version == 2))
    cat = rows(v2)[("Cat", MONDAY + timedelta(days=5))]
    client.post(f"/rotas/assignments/{cat.id}/remove", data=shown(v2))
    client.post(f"/rotas/versions/{v2.id}/publish", data=shown(v2))
    assert v2.status is RotaStatus.PUBLISHED
    html = client.get(f"/rotas/{tiny_rota.site_id}/{WEEK}?version=1").get_data(as_text=True)
    assert "Superseded" in html
    # Publishing twice is refused.
    html = client.post(
        f"/rotas/versions/{v2.id}/publish", data=shown(v2), follow_redirects=True
    ).get_data(as_text=True)
    assert "already published" in html
    # Technicians see the latest published version only.
    cat_shifts = published_shifts(named(Staff, "Cat").id, MONDAY, MONDAY + timedelta(days=6))
    assert cat_shifts == []
    ann_shifts = published_shifts(named(Staff, "Ann").id, MONDAY, MONDAY + timedelta(days=6))
    assert [s.version for s in ann_shifts] == [2] * 5


def test_approval_rule_page(client, login, tiny_site):
    login("supervisor")
    page = client.get(f"/rotas/sites/{tiny_site.id}/approval")
    assert page.status_code == 200
    assert "checked" in page.get_data(as_text=True)  # default: approval needed
    page = client.post(f"/rotas/sites/{tiny_site.id}/approval", data={"submit": "Save"})
    assert page.status_code == 302
    assert db.session.scalar(db.select(RotaPolicy)).requires_approval is False
    client.post("/auth/logout")
    login("pic", email="pic2@example.org")
    assert client.get(f"/rotas/sites/{tiny_site.id}/approval").status_code == 403


# ----- what technicians will see ----------------------------------------------------------


def test_published_shifts_give_times_partners_and_skip_drafts(tiny_site, make_rota, make_staff):
    fill_station = named(Station, "Central fill")
    ann = named(Staff, "Ann")
    tia = make_staff(tiny_site, "Tia", {fill_station.competencies[0]: "supervised"}, role="trainee")
    night = ShiftType(
        site=tiny_site, code="N", name="Night", start=time(23), end=time(7), night=True
    )
    db.session.add(night)
    make_rota(
        tiny_site,
        rows=[
            (ann, MONDAY, night, fill_station),
            (tia, MONDAY, night, fill_station, "trainee", ann),
        ],
    )
    make_rota(
        tiny_site,
        status=RotaStatus.DRAFT,
        version=2,
        rows=[(ann, MONDAY + timedelta(days=1), night, fill_station)],
    )
    db.session.commit()
    (mine,) = published_shifts(ann.id, MONDAY, MONDAY + timedelta(days=6))
    assert (mine.where, mine.times, mine.trainees, mine.site) == (
        "Central fill",
        "23:00–07:00 (+1)",
        ("Tia",),
        "Tiny Pharmacy",
    )
    (theirs,) = published_shifts(tia.id, MONDAY, MONDAY + timedelta(days=6))
    assert theirs.trainee
    assert theirs.trainer == "Ann"
    assert published_shifts(ann.id, MONDAY + timedelta(days=7), MONDAY + timedelta(days=8)) == []


def test_the_move_form_offers_no_archived_station_or_shift(client, login, tiny_rota):
    login("supervisor")
    ann = rows(tiny_rota)[("Ann", MONDAY)]
    entry = named(Station, "Order entry")
    evening = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    before = client.get(f"/rotas/assignments/{ann.id}/move").get_data(as_text=True)
    assert f'value="station-{entry.id}"' in before
    assert f'value="{evening.id}"' in before
    entry.archived_at = evening.archived_at = datetime(2026, 3, 1, tzinfo=UTC)
    db.session.commit()
    after = client.get(f"/rotas/assignments/{ann.id}/move").get_data(as_text=True)
    assert f'value="station-{entry.id}"' not in after
    assert f'value="{evening.id}"' not in after
