"""The supervisor's staff pages: people and contracts, skills, certifications, leave, wishes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.filters import day
from scheduler.models import (
    Certification,
    Leave,
    LeaveKind,
    OfferKind,
    ShiftRequest,
    SkillLevel,
    Staff,
    StaffCompetency,
    VolunteerOffer,
)

from .setup_pharmacy import Pharmacy, build_pharmacy

PERSON = {
    "name": "Dee",
    "role": "technician",
    "certified": "y",
    "active": "y",
    "min_hours": "32",
    "max_hours": "40",
    "max_consecutive_days": "5",
    "min_consecutive_days": "2",
    "min_consecutive_days_off": "2",
    "max_weekends_per_4_weeks": "2",
    "min_rest_hours": "11",
    "max_trainees": "1",
}


@pytest.fixture
def pharmacy(make_site, make_shift, make_competency, make_station, make_staff) -> Pharmacy:
    """Lakeside Hospital with Ann, Ben and Pat, and Zoe at Hill Pharmacy."""
    return build_pharmacy(make_site, make_shift, make_competency, make_station, make_staff)


def _leave(person, start, end, approved=False, kind=LeaveKind.ANNUAL) -> Leave:
    """Add a leave row for a person."""
    row = Leave(staff=person, start_date=start, end_date=end, kind=kind, approved=approved)
    db.session.add(row)
    db.session.commit()
    return row


# ----- who may open what ----------------------------------------------------------------


def _urls(ph):
    """Every staff route as (method, url, what a PIC gets)."""
    ann = ph.ann.id
    skill = ph.ann.skills[0].id
    return [
        ("get", "/staff/", 200),
        ("get", "/staff/new", 403),
        ("get", f"/staff/{ann}", 200),
        ("get", f"/staff/{ann}/edit", 403),
        ("post", f"/staff/{ann}/deactivate", 403),
        ("post", f"/staff/{ann}/activate", 403),
        ("get", f"/staff/{ann}/skills/new", 403),
        ("get", f"/staff/{ann}/skills/{skill}/edit", 403),
        ("post", f"/staff/{ann}/skills/{skill}/remove", 403),
        ("get", f"/staff/{ann}/certifications/new", 403),
        ("get", f"/staff/leave?site={ph.site.id}", 200),
        ("get", f"/staff/leave/new?site={ph.site.id}", 200),
        ("get", f"/staff/wishes?site={ph.site.id}", 200),
    ]


def test_supervisor_opens_every_page(client, login, pharmacy):
    login("supervisor")
    for method, url, _pic in _urls(pharmacy):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_pic_reads_staff_and_leave_but_cannot_edit(client, login, pharmacy):
    login("pic")
    for method, url, expected in _urls(pharmacy):
        assert getattr(client, method)(url).status_code == expected, url
    page = client.get(f"/staff/{pharmacy.ann.id}").get_data(as_text=True)
    assert "Edit details and contract" not in page
    assert db.session.get(Staff, pharmacy.ann.id).active


def test_technician_gets_403_everywhere(client, login, pharmacy):
    login("technician", staff=pharmacy.ben)
    for method, url, _pic in _urls(pharmacy):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_is_sent_to_sign_in(client, pharmacy):
    for method, url, _pic in _urls(pharmacy):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"]


def test_technician_cannot_read_or_decide_another_persons_leave(client, login, pharmacy):
    request = _leave(pharmacy.ann, pharmacy.days(10), pharmacy.days(12))
    login("technician", staff=pharmacy.ben)
    assert client.get(f"/staff/leave?site={pharmacy.site.id}").status_code == 403
    assert client.get(f"/staff/{pharmacy.ann.id}").status_code == 403
    assert client.post(f"/staff/leave/{request.id}/approve").status_code == 403
    assert client.post(f"/staff/leave/{request.id}/refuse").status_code == 403
    db.session.expire_all()
    assert db.session.get(Leave, request.id).approved is False


def test_unknown_ids_are_404(client, login, pharmacy):
    login("supervisor")
    assert client.get("/staff/9999").status_code == 404
    assert client.get("/staff/?site=9999").status_code == 404
    assert client.get("/staff/?site=abc").status_code == 404
    assert client.get("/staff/wishes?week=not-a-date").status_code == 404
    zoe_skill = pharmacy.zoe.skills[0].id
    assert client.get(f"/staff/{pharmacy.ann.id}/skills/{zoe_skill}/edit").status_code == 404
    assert client.post("/staff/leave/9999/approve").status_code == 404


# ----- people and contracts --------------------------------------------------------------


def test_list_shows_site_staff_with_contract(client, login, pharmacy):
    login("supervisor")
    page = client.get(f"/staff/?site={pharmacy.site.id}").get_data(as_text=True)
    assert "Ann" in page
    assert "Pat" in page
    assert "Zoe" not in page
    assert "32\u201340 h a week" in page
    assert page.index("Pat") < page.index("Ann")  # pharmacists first


def test_create_person_stores_hours_as_minutes(client, login, pharmacy):
    login("supervisor")
    response = client.post("/staff/new", data={**PERSON, "home_site_id": pharmacy.site.id})
    assert response.status_code == 302
    dee = db.session.scalar(db.select(Staff).where(Staff.name == "Dee"))
    assert (dee.min_minutes_per_week, dee.max_minutes_per_week) == (1920, 2400)
    assert dee.min_rest_minutes == 660
    assert dee.certified
    assert dee.home_site_id == pharmacy.site.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Added Dee." in page
    assert "11 h" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"max_hours": "20"}, "max_hours", "cannot be fewer than the least"),
        (
            {"min_consecutive_days": "6", "max_consecutive_days": "4"},
            "min_consecutive_days",
            "Cannot be more than the most working days in a row (4)",
        ),
        ({"min_hours": "200"}, "min_hours", "Enter a number of hours from 0 to 168."),
        ({"min_hours": "lots"}, "min_hours", "Not a valid decimal value"),
        ({"name": "  "}, "name", "Enter the person&#39;s name."),
        ({"max_trainees": "9"}, "max_trainees", "Enter a whole number from 0 to 5."),
    ],
)
def test_person_form_rejects_bad_values_beside_the_field(
    client, login, pharmacy, change, field, message
):
    login("supervisor")
    data = {**PERSON, "name": "Dee Typed", "home_site_id": pharmacy.site.id, **change}
    response = client.post("/staff/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert message in page
    if field != "name":
        assert 'value="Dee Typed"' in page  # what was typed is kept
    assert db.session.scalar(db.select(Staff).where(Staff.name.like("Dee%"))) is None


def test_edit_contract(client, login, pharmacy):
    login("supervisor")
    form = client.get(f"/staff/{pharmacy.ann.id}/edit").get_data(as_text=True)
    assert 'value="32.00"' in form
    assert 'value="Ann"' in form
    data = {
        **PERSON,
        "name": "Ann",
        "home_site_id": pharmacy.site.id,
        "min_hours": "37.5",
        "max_hours": "",
        "max_weekends_per_4_weeks": "",
    }
    assert client.post(f"/staff/{pharmacy.ann.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    ann = db.session.get(Staff, pharmacy.ann.id)
    assert ann.min_minutes_per_week == 2250
    assert ann.max_minutes_per_week is None
    assert ann.max_weekends_per_4_weeks is None
    assert ann.min_consecutive_days == 2


def test_archive_keeps_the_record_and_restore(client, login, pharmacy, make_rota):
    make_rota(
        pharmacy.site, rows=[(pharmacy.ann, date(2026, 3, 2), pharmacy.day, pharmacy.central_fill)]
    )
    db.session.commit()
    login("supervisor")
    page = client.get(f"/staff/{pharmacy.ann.id}").get_data(as_text=True)
    assert "appears in rotas" in page
    client.post(f"/staff/{pharmacy.ann.id}/deactivate")
    db.session.expire_all()
    assert db.session.get(Staff, pharmacy.ann.id).active is False
    listing = client.get(f"/staff/?site={pharmacy.site.id}&archived=1").get_data(as_text=True)
    assert "Archived people (1)" in listing
    assert f"/staff/{pharmacy.ann.id}" in listing
    client.post(f"/staff/{pharmacy.ann.id}/activate")
    db.session.expire_all()
    assert db.session.get(Staff, pharmacy.ann.id).active is True


# ----- skills and certifications ------------------------------------------------------------


def test_add_skill_defaults_expiry_to_requalification_interval(client, login, pharmacy):
    login("supervisor")
    response = client.post(
        f"/staff/{pharmacy.ann.id}/skills/new",
        data={"competency_id": pharmacy.sterile.id, "level": "supervised"},
    )
    assert response.status_code == 302
    skill = db.session.scalar(
        db.select(StaffCompetency).where(
            StaffCompetency.staff_id == pharmacy.ann.id,
            StaffCompetency.competency_id == pharmacy.sterile.id,
        )
    )
    assert skill.level == SkillLevel.SUPERVISED
    assert skill.valid_until == pharmacy.days(365)


def test_add_skill_needs_a_competency_not_held(client, login, pharmacy):
    login("supervisor")
    page = client.post(
        f"/staff/{pharmacy.ann.id}/skills/new", data={"competency_id": "", "level": "trainer"}
    ).get_data(as_text=True)
    assert "Choose a competency." in page
    page = client.post(
        f"/staff/{pharmacy.ann.id}/skills/new",
        data={"competency_id": pharmacy.fill.id, "level": "trainer"},
    ).get_data(as_text=True)
    assert "Not a valid choice" in page  # Ann already holds central fill
    assert len(db.session.get(Staff, pharmacy.ann.id).skills) == 1


def test_edit_and_remove_skill(client, login, pharmacy):
    login("supervisor")
    skill = pharmacy.ben.skills[0]
    until = pharmacy.days(20).isoformat()
    client.post(
        f"/staff/{pharmacy.ben.id}/skills/{skill.id}/edit",
        data={"level": "independent", "valid_until": until},
    )
    db.session.expire_all()
    skill = db.session.get(StaffCompetency, skill.id)
    assert skill.level == SkillLevel.INDEPENDENT
    assert skill.valid_until.isoformat() == until
    page = client.get(f"/staff/{pharmacy.ben.id}").get_data(as_text=True)
    assert "⏳ Renew soon" in page
    client.post(f"/staff/{pharmacy.ben.id}/skills/{skill.id}/remove")
    assert db.session.get(StaffCompetency, skill.id) is None


def test_a_skill_valid_until_before_its_sign_off_is_refused_beside_the_field(
    client, login, pharmacy
):
    login("supervisor")
    site = pharmacy.site
    today = datetime.now(ZoneInfo(site.timezone)).date()
    yesterday = today - timedelta(days=1)
    page = client.post(
        f"/staff/{pharmacy.ann.id}/skills/new",
        data={
            "competency_id": pharmacy.sterile.id,
            "level": "supervised",
            "valid_until": yesterday.isoformat(),
        },
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="valid_until-error"' in html
    assert (
        f"Valid until {day(yesterday)} is before the sign-off date: it was recorded today, "
        f"{day(today)} ({site.timezone}). Enter that day or a later one."
    ) in html
    assert f'value="{yesterday.isoformat()}"' in html  # what was typed is kept
    assert len(db.session.get(Staff, pharmacy.ann.id).skills) == 1  # nothing saved
    # valid until the sign-off day itself: one valid day, accepted
    ok = client.post(
        f"/staff/{pharmacy.ann.id}/skills/new",
        data={
            "competency_id": pharmacy.sterile.id,
            "level": "supervised",
            "valid_until": today.isoformat(),
        },
    )
    assert ok.status_code == 302

    # a trainer's sign-off kept: compared with the day it was signed off
    skill = pharmacy.ben.skills[0]
    skill.signed_off_at = datetime(2026, 3, 4, 3, 30, tzinfo=UTC)  # Tue 3 Mar in Chicago
    kept = skill.level.value
    db.session.commit()
    edit = f"/staff/{pharmacy.ben.id}/skills/{skill.id}/edit"
    page = client.post(edit, data={"level": kept, "valid_until": "2026-03-02"})
    local = datetime(2026, 3, 4, 3, 30, tzinfo=UTC).astimezone(ZoneInfo(site.timezone)).date()
    assert (
        f"Valid until Mon 2 Mar 2026 is before the sign-off date: it was signed off on "
        f"{day(local)}."
    ) in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(StaffCompetency, skill.id).valid_until != date(2026, 3, 2)


def test_certification_add_edit_delete(client, login, pharmacy):
    login("supervisor")
    url = f"/staff/{pharmacy.ann.id}/certifications/new"
    data = {"name": "CPhT", "number": "123", "issued": "2025-01-10", "expires": "2027-01-31"}
    assert client.post(url, data=data).status_code == 302
    cert = db.session.scalar(db.select(Certification).where(Certification.name == "CPhT"))
    assert cert.expires == date(2027, 1, 31)
    again = client.post(url, data={**data, "name": "cpht"}).get_data(as_text=True)
    assert "already has a cpht certification" in again
    edit = f"/staff/{pharmacy.ann.id}/certifications/{cert.id}/edit"
    bad = client.post(edit, data={**data, "expires": "2024-01-01"})
    assert "cannot be before the date issued" in bad.get_data(as_text=True)
    assert 'value="123"' in bad.get_data(as_text=True)
    client.post(edit, data={**data, "number": "456"})
    db.session.expire_all()
    assert db.session.get(Certification, cert.id).number == "456"
    client.post(f"/staff/{pharmacy.ann.id}/certifications/{cert.id}/delete")
    assert db.session.get(Certification, cert.id) is None


# ----- leave -------------------------------------------------------------------------


def test_leave_list_approve_and_refuse(client, login, pharmacy):
    wish = _leave(pharmacy.ann, pharmacy.days(5), pharmacy.days(7))
    other = _leave(pharmacy.ben, pharmacy.days(8), pharmacy.days(8))
    past = _leave(pharmacy.pat, pharmacy.days(-9), pharmacy.days(-8), approved=True)
    elsewhere = _leave(pharmacy.zoe, pharmacy.days(3), pharmacy.days(3))
    login("supervisor")
    page = client.get(f"/staff/leave?site={pharmacy.site.id}").get_data(as_text=True)
    assert "Awaiting a decision (2)" in page
    assert "Zoe" not in page
    assert "Pat" not in page
    response = client.post(f"/staff/leave/{wish.id}/approve")
    assert response.status_code == 302
    assert db.session.get(Leave, wish.id).approved is True
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Approved Ann&#39;s annual leave" in page
    assert "Approved leave from today on (1)" in page
    page = client.post(f"/staff/leave/{other.id}/refuse", follow_redirects=True).get_data(
        as_text=True
    )
    assert "Refused and removed Ben&#39;s annual leave" in page
    assert db.session.get(Leave, other.id) is None
    assert db.session.get(Leave, past.id) is not None
    assert db.session.get(Leave, elsewhere.id) is not None


def test_refusing_approved_leave_is_refused_and_cancel_removes_it(client, login, pharmacy):
    approved = _leave(pharmacy.ann, pharmacy.days(5), pharmacy.days(7), approved=True)
    login("pic")
    page = client.post(f"/staff/leave/{approved.id}/refuse", follow_redirects=True).get_data(
        as_text=True
    )
    assert "already approved" in page
    assert db.session.get(Leave, approved.id) is not None
    client.post(f"/staff/leave/{approved.id}/cancel")
    assert db.session.get(Leave, approved.id) is None


def test_pic_approves_leave(client, login, pharmacy):
    wish = _leave(pharmacy.ann, pharmacy.days(5), pharmacy.days(7))
    login("pic")
    assert client.post(f"/staff/leave/{wish.id}/approve").status_code == 302
    assert db.session.get(Leave, wish.id).approved is True


def test_record_sick_leave(client, login, pharmacy):
    login("supervisor")
    url = f"/staff/leave/new?site={pharmacy.site.id}"
    form = client.get(url).get_data(as_text=True)
    assert "Zoe" not in form
    assert "Night, 23:00" not in form
    assert "Night (23:00" in form
    day = pharmacy.days(1).isoformat()
    data = {
        "staff_id": pharmacy.ben.id,
        "start_date": day,
        "end_date": day,
        "kind": "sick",
        "shift_type_id": "",
        "approved": "y",
        "note": "called in",
    }
    assert client.post(url, data=data).status_code == 302
    row = db.session.scalar(db.select(Leave).where(Leave.staff_id == pharmacy.ben.id))
    assert row.kind == LeaveKind.SICK
    assert row.approved
    assert row.note == "called in"
    clash = client.post(url, data=data)
    assert clash.status_code == 200
    assert "already has leave" in clash.get_data(as_text=True)
    assert len(db.session.scalars(db.select(Leave)).all()) == 1


def test_record_leave_rejects_end_before_start(client, login, pharmacy):
    login("supervisor")
    data = {
        "staff_id": pharmacy.ben.id,
        "start_date": pharmacy.days(3).isoformat(),
        "end_date": pharmacy.days(1).isoformat(),
        "kind": "annual",
        "shift_type_id": "",
    }
    page = client.post(f"/staff/leave/new?site={pharmacy.site.id}", data=data)
    text = page.get_data(as_text=True)
    assert 'id="end_date-error"' in text
    assert "cannot be before the first day" in text
    assert db.session.scalars(db.select(Leave)).first() is None
    zoe = {**data, "staff_id": pharmacy.zoe.id}
    text = client.post(f"/staff/leave/new?site={pharmacy.site.id}", data=zoe).get_data(as_text=True)
    assert "Not a valid choice" in text  # not staff of this site


# ----- offers and wishes ------------------------------------------------------------------


def test_wishes_page_shows_offers_requests_and_pending_leave(client, login, pharmacy):
    week = monday_of(pharmacy.days(7))
    db.session.add_all(
        [
            VolunteerOffer(
                staff=pharmacy.ann,
                week_start=week,
                kind=OfferKind.STATION,
                station=pharmacy.central_fill,
                count=2,
                note="keen",
            ),
            ShiftRequest(staff=pharmacy.ben, on_date=week, shift_type=pharmacy.night, want=False),
            ShiftRequest(staff=pharmacy.zoe, on_date=week, want=True),
            VolunteerOffer(
                staff=pharmacy.ben,
                week_start=week + timedelta(days=7),
                kind=OfferKind.EXTRA_SHIFTS,
                note="next week",
            ),
        ]
    )
    db.session.commit()
    _leave(pharmacy.pat, week, week)
    login("supervisor")
    page = client.get(f"/staff/wishes?site={pharmacy.site.id}&week={week.isoformat()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Volunteering offers (1)" in text
    assert "Central fill" in text
    assert "keen" in text
    assert "Would rather not work" in text
    assert "Night" in text
    assert "Zoe" not in text
    assert "next week" not in text
    assert "Leave awaiting a decision this week (1)" in text
    assert "Pat" in text
