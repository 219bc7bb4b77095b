"""A technician's own pages: shifts, competencies, goals, certifications, CE and wishes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import (
    CEEntry,
    Certification,
    Duty,
    DutyKind,
    Leave,
    LeaveKind,
    OfferKind,
    RotaStatus,
    ShiftRequest,
    StaffCompetency,
    VolunteerOffer,
)
from scheduler.services.problem_loader import build_problem

from .training_world import build_world


@pytest.fixture
def world(make_site, make_shift, make_competency, make_station, make_staff):
    return build_world(make_site, make_shift, make_competency, make_station, make_staff)


@pytest.fixture
def as_tom(world, make_user, login):
    """The client signed in as Tom, the trainee technician."""
    return login(make_user("technician", email="tom@example.org", staff=world.trainee))


def _page(client, path):
    page = client.get(path)
    return page.status_code, page.get_data(as_text=True)


# ----- access --------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for path in ("/me/", "/me/wishes", "/me/ce", "/me/leave/new"):
        page = client.get(path)
        assert page.status_code == 302
        assert "/auth/login" in page.headers["Location"]


def test_an_account_without_a_staff_record_gets_a_friendly_page(client, login):
    login("supervisor")
    status, html = _page(client, "/me/")
    assert status == 200
    assert "not linked to a staff record" in html
    assert client.get("/me/wishes").status_code == 403
    assert client.post("/me/leave/new", data={}).status_code == 403


def test_technicians_see_my_week_in_the_navigation(client, as_tom):
    html = client.get("/me/").get_data(as_text=True)
    assert 'href="/me/"' in html
    assert "My week" in html


# ----- my week -------------------------------------------------------------


def test_my_week_shows_published_shifts_only_with_local_times_and_training(
    client, world, as_tom, make_rota, make_user, login
):
    w = world
    monday = monday_of(w.today)
    next_monday = monday + timedelta(weeks=1)
    make_rota(
        w.site,
        monday,
        rows=[
            (w.trainee, monday, w.day, w.iv_room, "trainee", w.trainer),
            (w.trainer, monday, w.day, w.iv_room),
        ],
    )
    make_rota(w.site, next_monday, rows=[(w.trainee, next_monday, w.night, w.central_fill)])
    make_rota(  # a draft is not shown to staff
        w.site,
        next_monday,
        version=2,
        status=RotaStatus.DRAFT,
        rows=[(w.trainee, next_monday + timedelta(days=3), w.day, w.central_fill)],
    )
    make_rota(  # nor someone else's shift
        w.site, monday + timedelta(weeks=2), rows=[(w.other, monday, w.day, w.central_fill)]
    )
    db.session.commit()
    status, html = _page(client, "/me/")
    assert status == 200
    assert "My week: Tom" in html
    assert "trainee with Tia" in html
    assert "23:00–07:00 (+1)" in html  # the night ends the next morning
    assert "07:00–15:00" in html
    assert "America/Chicago" in html
    assert (
        f"{(next_monday + timedelta(days=3)).day} {next_monday + timedelta(days=3):%b}"
        not in (html.split("Next week")[1].split("</table>")[0])
    )
    assert html.count("<td>Night</td>") == 1

    client.post("/auth/logout")
    login(make_user("technician", email="tia@example.org", staff=w.trainer))
    html = client.get("/me/").get_data(as_text=True)
    assert "training Tom" in html


def test_my_competencies_say_until_when_they_are_valid(client, world, as_tom):
    skill = db.session.scalar(
        db.select(StaffCompetency).where(
            StaffCompetency.staff_id == world.trainee.id,
            StaffCompetency.competency_id == world.fill.id,
        )
    )
    skill.valid_until = world.today + timedelta(days=12)
    db.session.commit()
    html = client.get("/me/").get_data(as_text=True)
    until = skill.valid_until
    assert f"Valid until {until:%a} {until.day} {until:%b} (in 12 days)" in html
    assert "Expire" not in html
    skill.valid_until = world.today
    db.session.commit()
    assert "Valid until today" in client.get("/me/").get_data(as_text=True)  # its last day
    skill.valid_until = world.today - timedelta(days=1)
    db.session.commit()
    assert "No longer valid" in client.get("/me/").get_data(as_text=True)


def test_my_goals_show_progress_and_projection(client, world, as_tom, make_rota):
    w = world
    past = w.today - timedelta(weeks=1)
    make_rota(
        w.site, monday_of(past), rows=[(w.trainee, past, w.day, w.iv_room, "trainee", w.trainer)]
    )
    ahead = w.today + timedelta(weeks=1)
    make_rota(
        w.site, monday_of(ahead), rows=[(w.trainee, ahead, w.day, w.iv_room, "trainee", w.trainer)]
    )
    db.session.commit()
    html = client.get("/me/").get_data(as_text=True)
    assert "Aseptic technique" in html
    assert "1 done, 1 planned, 2 still to plan" in html
    assert "of 4 needed" in html
    # one planned shift a week: the last two come two weeks after it
    projected = ahead + timedelta(weeks=2)
    assert f"{projected.day} {projected:%b %Y}" in html


def test_certification_expiry_warnings_and_missing_ce_on_my_week(client, world, as_tom):
    w = world
    db.session.add_all(
        [
            Certification(staff=w.trainee, name="CPhT", expires=w.today + timedelta(days=20)),
            Certification(staff=w.trainee, name="CSPT", expires=w.today + timedelta(days=60)),
            CEEntry(
                staff=w.trainee,
                on_date=w.today - timedelta(days=30),
                hours=19,
                topic="USP 797",
                category="technician",
            ),
            CEEntry(
                staff=w.trainee,
                on_date=w.today - timedelta(days=20),
                hours=1,
                topic="LASA errors",
                category="patient_safety",
            ),
        ]
    )
    db.session.commit()
    html = client.get("/me/").get_data(as_text=True)
    assert "Expires in 20 days: renew now." in html
    assert "Expires in 60 days: plan your renewal." in html
    assert "1 h of pharmacy law still needed" in html


# ----- CE log --------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "message"),
    [("-2", "between 0.25 and 40"), ("41", "between 0.25 and 40"), ("", "Enter the hours")],
)
def test_ce_hours_out_of_range_are_refused_beside_the_field(client, world, as_tom, hours, message):
    data = {
        "on_date": world.today.isoformat(),
        "hours": hours,
        "topic": "Law update",
        "category": "law",
    }
    page = client.post("/me/ce", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert message in html
    assert 'id="hours-error"' in html
    assert 'value="Law update"' in html  # nothing typed is lost
    assert db.session.scalar(db.select(CEEntry)) is None


def test_ce_in_the_future_is_refused_and_a_good_entry_is_logged(client, world, as_tom):
    tomorrow = (world.today + timedelta(days=1)).isoformat()
    data = {"on_date": tomorrow, "hours": "1", "topic": "Law update", "category": "law"}
    html = client.post("/me/ce", data=data).get_data(as_text=True)
    assert "cannot be in the future" in html
    data["on_date"] = world.today.isoformat()
    page = client.post("/me/ce", data=data)
    assert page.status_code == 302
    entry = db.session.scalar(db.select(CEEntry))
    assert (entry.staff_id, entry.hours, entry.category.value) == (world.trainee.id, 1.0, "law")
    assert "Law update" in client.get("/me/ce").get_data(as_text=True)


# ----- leave ---------------------------------------------------------------


def _leave_data(world, start, end, **extra):
    return {
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "kind": "annual",
        "shift_type_id": "",
        "note": "Family visit",
        **extra,
    }


def test_leave_ending_before_it_starts_is_refused_and_keeps_the_values(client, world, as_tom):
    start = world.today + timedelta(days=10)
    page = client.post("/me/leave/new", data=_leave_data(world, start, start - timedelta(days=2)))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "The last day must be on or after the first day." in html
    assert 'id="end_date-error"' in html
    assert f'value="{start.isoformat()}"' in html
    assert "Family visit" in html
    assert db.session.scalar(db.select(Leave)) is None


def test_leave_in_the_past_is_refused(client, world, as_tom):
    start = world.today - timedelta(days=3)
    html = client.post("/me/leave/new", data=_leave_data(world, start, world.today)).get_data(
        as_text=True
    )
    assert "The first day cannot be in the past." in html
    assert db.session.scalar(db.select(Leave)) is None


def test_leave_overlapping_other_leave_is_refused(client, world, as_tom):
    start = world.today + timedelta(days=10)
    db.session.add(
        Leave(
            staff=world.trainee,
            start_date=start,
            end_date=start + timedelta(days=4),
            kind=LeaveKind.ANNUAL,
            approved=True,
        )
    )
    db.session.commit()
    data = _leave_data(world, start + timedelta(days=3), start + timedelta(days=6))
    html = client.post("/me/leave/new", data=data).get_data(as_text=True)
    assert "You already have leave from" in html
    assert "(approved)" in html
    assert db.session.scalar(db.select(db.func.count(Leave.id))) == 1


def test_requested_leave_is_pending_and_the_next_solve_reads_it_as_a_wish(client, world, as_tom):
    start = world.today + timedelta(days=7)
    page = client.post("/me/leave/new", data=_leave_data(world, start, start))
    assert page.status_code == 302
    leave = db.session.scalar(db.select(Leave))
    assert (leave.staff_id, leave.approved, leave.status) == (world.trainee.id, False, "pending")
    html = client.get("/me/wishes").get_data(as_text=True)
    assert "Pending" in html
    assert "Withdraw" in html
    problem, ids = build_problem(world.site, monday_of(start))
    tom = f"p{world.trainee.id}"
    wishes = [r for r in problem.requests if r.person == tom]
    assert [(r.day, r.want) for r in wishes] == [(start.weekday(), False)]


def test_a_technician_cannot_withdraw_someone_elses_leave(client, world, as_tom):
    start = world.today + timedelta(days=5)
    theirs = Leave(staff=world.other, start_date=start, end_date=start, kind=LeaveKind.ANNUAL)
    db.session.add(theirs)
    db.session.commit()
    assert client.post(f"/me/leave/{theirs.id}/withdraw").status_code == 404
    assert client.post("/me/leave/99999/withdraw").status_code == 404
    assert client.post("/me/nonsense/1/withdraw").status_code == 404
    assert client.get(f"/me/leave/{theirs.id}/withdraw").status_code == 405
    assert db.session.get(Leave, theirs.id) is not None
    assert "Una" not in client.get("/me/wishes").get_data(as_text=True)


def test_pending_leave_can_be_withdrawn_but_approved_leave_cannot(client, world, as_tom):
    start = world.today + timedelta(days=5)
    pending = Leave(staff=world.trainee, start_date=start, end_date=start, kind=LeaveKind.ANNUAL)
    approved = Leave(
        staff=world.trainee,
        start_date=start + timedelta(days=3),
        end_date=start + timedelta(days=3),
        kind=LeaveKind.ANNUAL,
        approved=True,
    )
    db.session.add_all([pending, approved])
    db.session.commit()
    pending_id, approved_id = pending.id, approved.id
    assert client.post(f"/me/leave/{pending_id}/withdraw").status_code == 302
    page = client.post(f"/me/leave/{approved_id}/withdraw", follow_redirects=True)
    assert "can no longer be withdrawn" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Leave, pending_id) is None
    assert db.session.get(Leave, approved_id) is not None


# ----- shift requests ------------------------------------------------------


def test_shift_requests_are_checked_and_stored(client, world, as_tom):
    day = world.today + timedelta(days=3)
    data = {
        "on_date": (world.today - timedelta(days=1)).isoformat(),
        "shift_type_id": str(world.night.id),
        "want": "no",
    }
    html = client.post("/me/requests/new", data=data).get_data(as_text=True)
    assert "The date cannot be in the past." in html
    assert re.search(r'<input checked[^>]*value="no"', html)  # the choice is kept
    data["on_date"] = day.isoformat()
    assert client.post("/me/requests/new", data=data).status_code == 302
    html = client.post("/me/requests/new", data=data).get_data(as_text=True)
    assert "already have a request for that date and shift" in html
    data.update(shift_type_id="", want="yes")
    assert client.post("/me/requests/new", data=data).status_code == 302
    rows = db.session.scalars(db.select(ShiftRequest).order_by(ShiftRequest.id)).all()
    assert [(r.shift_type_id, r.want) for r in rows] == [(world.night.id, False), (None, True)]
    html = client.get("/me/wishes").get_data(as_text=True)
    assert "Would rather not work" in html
    assert "Whole day" in html


def test_a_shift_request_needs_a_choice(client, world, as_tom):
    data = {"on_date": world.today.isoformat(), "shift_type_id": ""}
    html = client.post("/me/requests/new", data=data).get_data(as_text=True)
    assert "Choose whether you want it or not." in html


# ----- volunteering --------------------------------------------------------


def test_a_duty_offer_must_name_the_duty(client, world, as_tom):
    week = monday_of(world.today).isoformat()
    data = {
        "kind": "duty",
        "week_start": week,
        "duty_id": "",
        "station_id": "",
        "count": "1",
        "note": "Happy to",
    }
    page = client.post("/me/offers/new", data=data)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Choose the duty you offer to take on." in html
    assert 'value="Happy to"' in html
    data.update(kind="extra_shifts", count="9")
    assert "Enter a number from 1 to 7." in client.post("/me/offers/new", data=data).get_data(
        as_text=True
    )
    assert db.session.scalar(db.select(VolunteerOffer)) is None


def test_offers_reach_the_next_solve(client, world, as_tom):
    duty = Duty(site=world.site, name="Inventory count", kind=DutyKind.INVENTORY_COUNT, minutes=480)
    db.session.add(duty)
    db.session.commit()
    week = monday_of(world.today) + timedelta(weeks=1)
    base = {
        "week_start": week.isoformat(),
        "duty_id": "",
        "station_id": "",
        "count": "1",
        "note": "",
    }
    assert (
        client.post(
            "/me/offers/new", data={**base, "kind": "station", "station_id": str(world.iv_room.id)}
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/me/offers/new", data={**base, "kind": "duty", "duty_id": str(duty.id)}
        ).status_code
        == 302
    )
    assert (
        client.post(
            "/me/offers/new", data={**base, "kind": "extra_shifts", "count": "2"}
        ).status_code
        == 302
    )
    html = client.get("/me/wishes").get_data(as_text=True)
    assert "Cross-train at a station: IV room" in html
    assert "Take on a duty: Inventory count" in html
    problem, _ids = build_problem(world.site, week)
    offers = {(o.kind.value, o.station, o.duty, o.count) for o in problem.offers}
    assert offers == {
        (OfferKind.STATION.value, f"st{world.iv_room.id}", None, 1),
        (OfferKind.DUTY.value, None, f"d{duty.id}", 1),
        (OfferKind.EXTRA_SHIFTS.value, None, None, 2),
    }
    offer = db.session.scalar(db.select(VolunteerOffer).where(VolunteerOffer.kind == "duty"))
    assert client.post(f"/me/offers/{offer.id}/withdraw").status_code == 302
    assert db.session.scalar(db.select(db.func.count(VolunteerOffer.id))) == 2
