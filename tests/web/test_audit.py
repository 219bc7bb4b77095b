"""The audit log: what is recorded and by whom, that it cannot be changed, and its page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DatabaseError

from scheduler.clock import site_today
from scheduler.extensions import db
from scheduler.models import (
    AccountRole,
    AuditEvent,
    Certification,
    Competency,
    Leave,
    LeaveKind,
    Rota,
    RotaStatus,
    ShiftType,
    Site,
    SiteKind,
    Staff,
    User,
)
from scheduler.models.audit import AuditLogIsAppendOnly, append_only_sql

from .conftest import MONDAY
from .route_walk import named, tiny_week_rows

WEEK = MONDAY.isoformat()


def events(**where) -> list[AuditEvent]:
    """The recorded events matching column values, oldest first."""
    db.session.expire_all()
    query = db.select(AuditEvent).order_by(AuditEvent.id)
    for column, value in where.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return list(db.session.scalars(query))


def page_text(page) -> str:
    """A page's text without tags."""
    return unescape(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))


@pytest.fixture
def people(tiny_site, make_user):
    """The supervisor Sue and the pharmacist-in-charge Pat (on Pat's staff record)."""
    sue = make_user("supervisor", email="sue@example.org", name="Sue")
    pat = make_user("pic", email="pat@example.org", name="Pat", staff=named(Staff, "Pat"))
    db.session.commit()
    return {"sue": sue, "pat": pat}


@pytest.fixture
def draft(tiny_site, make_rota):
    """A hand-made draft that already breaks a hard rule (Dov gets no shifts)."""
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=tiny_week_rows())
    db.session.commit()
    return rota


def switch(client, user: User) -> None:
    """Sign the client out and in again as another account."""
    client.post("/auth/logout")
    page = client.post("/auth/login", data={"email": user.email, "password": "password-1"})
    assert page.status_code == 302


def state(rota: Rota) -> dict[str, int]:
    """The hidden fields a rota form carries: which rota, at which lock number."""
    db.session.expire_all()
    return {"rota": rota.id, "lock": rota.lock_version}


# ----- what is recorded --------------------------------------------------------------------


def test_changes_made_on_pages_are_recorded_with_who_and_what(client, people):
    ben = named(Staff, "Ben")
    leave = Leave(staff=ben, start_date=MONDAY, end_date=MONDAY, kind=LeaveKind.ANNUAL)
    cert = Certification(staff=ben, name="CPhT", number="123")
    db.session.add_all([leave, cert])
    db.session.commit()
    switch(client, people["sue"])
    assert client.post(f"/staff/{ben.id}/deactivate").status_code == 302
    assert client.post(f"/staff/leave/{leave.id}/approve").status_code == 302
    assert client.post(f"/staff/{ben.id}/certifications/{cert.id}/delete").status_code == 302

    sue = people["sue"]
    changed, approved, deleted = events(actor_user_id=sue.id)
    assert (changed.action, changed.object_type, changed.object_id) == ("archived", "staff", ben.id)
    assert changed.actor_name == "Sue"
    assert changed.site_id == ben.home_site_id
    assert changed.summary == "Archived the staff record of Ben."
    assert changed.details == {"changes": {"active": {"from": True, "to": False}}}
    assert (approved.action, approved.object_type) == ("approved", "leave")
    assert approved.summary.startswith("Approved Ben's annual leave, Mon 2 Mar 2026")
    assert (deleted.action, deleted.object_type, deleted.object_id) == (
        "deleted",
        "certification",
        cert.id,
    )
    assert deleted.summary == "Deleted Ben's CPhT certification."
    assert deleted.details["changes"]["number"] == {"from": "123"}


def test_submit_approve_and_publish_are_recorded_with_who_did_each(client, people, draft):
    sue, pat = people["sue"], people["pat"]
    switch(client, sue)
    assert client.post(f"/rotas/versions/{draft.id}/submit", data=state(draft)).status_code == 302
    switch(client, pat)
    assert client.post(f"/rotas/versions/{draft.id}/approve", data=state(draft)).status_code == 302
    switch(client, sue)
    assert client.post(f"/rotas/versions/{draft.id}/publish", data=state(draft)).status_code == 302
    db.session.expire_all()
    assert draft.status is RotaStatus.PUBLISHED

    steps = [
        (e.action, e.actor_name)
        for e in events(object_type="rota", object_id=draft.id)
        if e.action != "created"
    ]
    assert steps == [("submitted", "Sue"), ("approved", "Pat"), ("published", "Sue")]
    published = events(action="published")[0]
    assert published.summary == (
        "Published version 1 of Tiny Pharmacy's rota for the week of Mon 2 Mar 2026."
    )
    assert published.details == {"changes": {"status": {"from": "draft", "to": "published"}}}


def test_a_sign_off_is_one_event_by_the_signer(client, people):
    ben = named(Staff, "Ben")
    cf = db.session.scalar(db.select(Competency).where(Competency.code == "CF"))
    before = len(events())
    switch(client, people["pat"])
    page = client.post(
        f"/signoff/{ben.id}/{cf.id}",
        data={"level": "trainer", "valid_until": "", "note": "Observed"},
    )
    assert page.status_code == 302
    new = events()[before:]
    signed = [e for e in new if e.action == "signed off"]
    assert len(signed) == 1
    assert signed[0].actor_user_id == people["pat"].id
    assert signed[0].summary == "Signed off Ben in Central fill: independent \u2192 trainer."
    assert not [e for e in new if e.object_type == "skill"]  # the sign-off says it


def test_an_edit_saved_while_the_rota_breaks_hard_rules_is_an_override(client, people, draft):
    cat = next(a for a in draft.assignments if a.staff.name == "Cat")
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    sunday = (MONDAY + timedelta(days=6)).isoformat()
    switch(client, people["sue"])
    page = client.post(
        f"/rotas/assignments/{cat.id}/move",
        data={
            **state(draft),
            "on_date": sunday,
            "shift": eve.id,
            "place": f"station-{cat.station_id}",
        },
    )
    assert page.status_code == 302
    (override,) = events(action="overrode")
    assert override.actor_name == "Sue"
    assert override.object_id == draft.id
    assert any("Dov" in rule for rule in override.details["hard_rules_broken"])
    assert override.summary.startswith(
        "Saved a change to version 1 of Tiny Pharmacy's rota for the week of Mon 2 Mar 2026 "
        "although it breaks hard rules:"
    )
    (moved,) = events(object_type="assignment", action="changed")
    assert moved.details["changes"]["on_date"] == {"from": "2026-03-07", "to": sunday}
    assert moved.details["changes"]["shift_type_id"]["to"] == f"Evening (#{eve.id})"


def test_a_draft_built_by_the_solver_is_one_event_for_whoever_asked(app, client, people):
    app.config["SOLVE_JOBS_SYNC"] = True
    site = named(Site, "Tiny Pharmacy")
    switch(client, people["sue"])
    page = client.post(f"/rotas/{site.id}/{WEEK}/solve", data={"time_limit": 2, "generate": "y"})
    assert page.status_code == 302
    rota = db.session.scalar(db.select(Rota))
    assert rota is not None
    assert rota.assignments
    (built,) = events(object_type="rota")
    assert built.action == "created"
    assert "a draft built by the solver" in built.summary
    assert built.details["assignments"] == len(rota.assignments)
    assert built.actor_user_id == people["sue"].id
    assert built.actor_name == "Sue (via the solver)"
    assert events(object_type="assignment") == []


def test_password_and_role_changes_are_recorded_without_the_hash(people):
    pat = people["pat"]
    pat.set_password("a-new-password")
    pat.role = AccountRole.SUPERVISOR
    db.session.commit()
    password, role = events(object_type="account", object_id=pat.id)[-2:]
    assert (password.action, password.actor_name) == ("password changed", "system")
    assert password.summary == "Changed the password of the account pat@example.org."
    assert (role.action, role.details) == (
        "role changed",
        {"changes": {"role": {"from": "pic", "to": "supervisor"}}},
    )
    for event in events():
        assert pat.password_hash not in repr((event.summary, event.details))
        assert "scrypt:" not in repr(event.details)
        assert "pbkdf2:" not in repr(event.details)


def test_the_command_line_is_the_actor_of_its_changes(runner, tiny_site):
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "ann@example.org",
            "--name",
            "Ann",
            "--role",
            "technician",
            "--staff",
            "Ann",
            "--password",
            "correct-horse",
        ]
    )
    assert result.exit_code == 0, result.output
    (created,) = events(object_type="account")
    assert created.action == "created"
    assert created.actor_name.startswith("command line: flask create-user")
    assert created.actor_user_id is None
    assert created.details["changes"]["password_hash"] == {"to": "(a new password)"}
    ann_id = named(Staff, "Ann").id
    assert created.details["changes"]["staff_id"] == {"to": f"Ann (#{ann_id})"}


def test_a_rolled_back_change_leaves_no_event(tiny_site):
    before = len(events())
    named(Staff, "Ann").name = "Annie"
    db.session.flush()
    db.session.rollback()
    assert len(events()) == before


def test_many_alike_rows_in_one_save_are_one_event_listing_them(tiny_site):
    ann = named(Staff, "Ann")
    start = site_today(tiny_site) + timedelta(days=10)
    db.session.add_all(
        Leave(
            staff=ann,
            start_date=start + timedelta(days=n),
            end_date=start + timedelta(days=n),
            kind=LeaveKind.TRAINING,
        )
        for n in range(25)
    )
    db.session.commit()
    (bulk,) = events(object_type="leave")
    assert bulk.summary == "Created 25 rows of leave at once."
    assert bulk.details["count"] == 25
    assert len(bulk.details["items"]) == 25
    assert bulk.details["items"][0].startswith("Created Ann's training leave")


# ----- append-only ----------------------------------------------------------------------------


def test_the_orm_refuses_to_change_or_delete_an_event(tiny_site):
    event = events()[0]
    summary = event.summary
    event.summary = "Nothing happened."
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(events()[0])
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    for statement in (update(AuditEvent).values(summary="x"), db.delete(AuditEvent)):
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
    assert events()[0].summary == summary


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_events SET summary = 'x'", "DELETE FROM audit_events"]
)
def test_the_database_refuses_sql_that_changes_or_deletes_events(tiny_site, sql):
    count, first = len(events()), events()[0].summary
    assert count > 0
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text(sql))
    db.session.rollback()
    assert len(events()) == count
    assert events()[0].summary == first


def test_the_trigger_sql_covers_both_databases():
    for dialect in ("sqlite", "postgresql"):
        statements = " ".join(append_only_sql(dialect))
        assert "audit_events" in statements
        assert "UPDATE" in statements
        assert "DELETE" in statements


# ----- the page ---------------------------------------------------------------------------------


@pytest.fixture
def logged(client, people, make_site):
    """Events by Sue (site Tiny), by Pat (approving leave) and by the system (another site)."""
    ben = named(Staff, "Ben")
    leave = Leave(staff=ben, start_date=MONDAY, end_date=MONDAY, kind=LeaveKind.ANNUAL)
    db.session.add(leave)
    other = make_site("Other Pharmacy", kind=SiteKind.RETAIL)
    db.session.commit()
    switch(client, people["sue"])
    client.post(f"/staff/{ben.id}/deactivate")
    switch(client, people["pat"])
    client.post(f"/staff/leave/{leave.id}/approve")
    switch(client, people["sue"])
    return {"tiny": named(Site, "Tiny Pharmacy"), "other": other}


def test_the_page_lists_events_newest_first(client, logged):
    page = client.get("/audit/")
    assert page.status_code == 200
    text_ = page_text(page)
    approved = text_.index("Approved Ben's annual leave")
    deactivated = text_.index("Archived the staff record of Ben.")
    assert approved < deactivated  # newest first
    assert "active: yes \u2192 no" in text_  # the details, old -> new
    html = page.get_data(as_text=True)
    for name in ("site", "person", "action", "start", "end"):
        assert f'<label for="{name}">' in html


def test_the_page_filters_by_site_person_action_and_dates(client, logged, people):
    def summaries(query: str) -> str:
        page = client.get("/audit/" + query)
        assert page.status_code == 200, query
        return page_text(page)

    other = summaries(f"?site={logged['other'].id}")
    assert "Created the site Other Pharmacy." in other
    assert "Changed the staff record of Ben" not in other
    by_pat = summaries(f"?person={people['pat'].id}")
    assert "Approved Ben's annual leave" in by_pat
    assert "Changed the staff record of Ben" not in by_pat
    by_system = summaries("?person=none")
    assert "Created the site Other Pharmacy." in by_system
    assert "Approved Ben's" not in by_system
    assert "Approved Ben's" in summaries("?action=approved")
    assert "Changed the staff record" not in summaries("?action=approved")
    today = db.session.scalar(db.select(db.func.max(AuditEvent.at))).date()
    assert "Approved Ben's" in summaries(f"?start={today}&end={today}")
    later = summaries(f"?start={today + timedelta(days=1)}")
    assert "No events match the filters." in later


def test_bad_filters_are_named_beside_their_field(client, logged):
    page = client.get("/audit/?start=2026-05-02&end=2026-05-01")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'id="end-error"' in html
    assert "The end date is before the start date." in html
    page = client.get("/audit/?start=yesterday&person=99999")
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'id="start-error"' in html
    assert 'id="person-error"' in html
    assert "Correct the filters above to see events." in html


def test_the_page_is_for_managers_only(client, logged, people, make_user):
    ann = named(Staff, "Ann")
    technician = make_user("technician", email="ann@example.org", staff=ann)
    db.session.commit()
    switch(client, technician)
    assert client.get("/audit/").status_code == 403
    switch(client, people["pat"])
    assert client.get("/audit/").status_code == 200


def test_the_page_goes_back_fifty_events_at_a_time(client, logged):
    ann = named(Staff, "Ann")
    for n in range(60):
        ann.max_trainees = n + 2  # one event per save
        db.session.commit()
    first = client.get("/audit/?action=changed")
    html = first.get_data(as_text=True)
    assert html.count("<tr>") - 1 == 50  # 50 rows under the header row
    assert "Page 1 of 2" in html
    assert "action=changed" in html  # the next page keeps the filter
    second = client.get("/audit/?action=changed&page=2")
    assert "Page 2 of 2" in second.get_data(as_text=True)


def test_the_log_shows_each_event_at_its_site_s_wall_clock(client, login, tiny_site, people):
    at = datetime(2026, 12, 6, 15, 27, tzinfo=UTC)
    db.session.add_all(
        [
            AuditEvent(
                at=at,
                actor_name="Sue",
                action="published",
                object_type="rota",
                site_id=tiny_site.id,
                summary="Published a week in Chicago",
            ),
            AuditEvent(
                at=at,
                actor_name="Sue",
                action="published",
                object_type="user",
                summary="Published from no site",
            ),
        ]
    )
    db.session.commit()
    login("supervisor", email="boss@example.org")
    text = page_text(client.get("/audit/?action=published"))
    assert tiny_site.timezone == "America/Chicago"
    row = r"\s+Sue\s+Published[^#]*?"  # who, the action, then the summary (no object id)
    assert re.search(r"06 Dec 2026 09:27 CST" + row + "Published a week in Chicago", text, re.S)
    assert re.search(r"06 Dec 2026 15:27 UTC" + row + "Published from no site", text, re.S)
    assert "Times are each site's local time" in text
