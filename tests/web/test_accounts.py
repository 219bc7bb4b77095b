"""Accounts in the app: invitations, one-time links, roles, deactivation, own passwords, audit."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest

from scheduler.extensions import db
from scheduler.models import (
    AccountLink,
    AccountRole,
    AuditEvent,
    RotaStatus,
    Staff,
    User,
    utcnow,
)
from scheduler.services import accounts as svc

from .route_walk import named, tiny_week_rows

LINK = re.compile(r'value="(http://localhost/accounts/welcome/[^"]+)"')
GOOD = "a quiet shelf of amber bottles"


def links_on(html: str) -> list[str]:
    """The one-time links a page shows, as paths."""
    return [url.removeprefix("http://localhost") for url in LINK.findall(html)]


def invite(client, **fields) -> str:
    """Invite a person through the Accounts page; the page that follows, as text."""
    data = {"name": "Ann", "email": "ann@example.org", "role": "technician", "staff_id": ""}
    page = client.post("/accounts/invite", data=data | fields, follow_redirects=True)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def set_password(client, path: str, password: str = GOOD, again: str | None = None):
    """Send the welcome page's form."""
    return client.post(path, data={"password": password, "confirm": again or password})


def signs_in(client, email: str, password: str) -> bool:
    """Whether the sign-in form accepts the email and password (signed out before and after)."""
    client.post("/auth/logout")
    page = client.post("/auth/login", data={"email": email, "password": password})
    client.post("/auth/logout")
    return page.status_code == 302


def error_of(html: str, field: str) -> str:
    """The message shown beside a field, or ''."""
    found = re.search(rf'<p class="error" id="{field}-error">\s*<span>([^<]*)</span>', html)
    return found.group(1) if found else ""


# ----- inviting ----------------------------------------------------------------------------------


def test_an_invited_technician_sets_a_password_through_the_link_and_signs_in(
    client, login, tiny_site
):
    login("supervisor", email="sue@example.org", name="Sue")
    ann = named(Staff, "Ann")
    html = invite(client, staff_id=str(ann.id))
    assert "Invited Ann" in html
    (path,) = links_on(html)
    assert "shown only this once" in html
    assert links_on(client.get("/accounts/").get_data(as_text=True)) == []  # shown once

    user = svc.find_by_email("ann@example.org")
    assert (user.role, user.staff, user.active) == (AccountRole.TECHNICIAN, ann, False)
    (link,) = db.session.scalars(db.select(AccountLink)).all()
    token = path.rsplit("/", 1)[1]
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()  # never the link itself
    assert timedelta(days=6, hours=23) < svc.aware(link.expires_at) - utcnow() <= timedelta(days=7)
    listed = client.get("/accounts/").get_data(as_text=True)
    assert "Not yet: invited" in listed
    assert "Invitation link open" in listed
    assert not signs_in(client, "ann@example.org", "")  # no password until she sets one

    client.post("/auth/logout")
    welcome = client.get(path).get_data(as_text=True)
    assert "Welcome, Ann" in welcome
    assert "ann@example.org" in welcome
    page = set_password(client, path)
    assert page.status_code == 302
    mine = client.get("/accounts/mine").get_data(as_text=True)
    assert "<dd>ann@example.org</dd>" in mine  # signed in as Ann
    client.post("/auth/logout")
    assert signs_in(client, "ann@example.org", GOOD)
    used = client.get(path)
    assert used.status_code == 410
    assert "already been used" in used.get_data(as_text=True)


def test_an_invitation_needs_a_new_email_and_a_free_staff_record(client, login, tiny_site):
    login("supervisor", email="sue@example.org")
    ben = named(Staff, "Ben")
    invite(client, name="Ben", email="ben@example.org", staff_id=str(ben.id))
    html = invite(client, name="Ben again", email="BEN@example.org ", staff_id=str(ben.id))
    assert error_of(html, "email") == "An account with this email already exists."
    assert error_of(html, "staff_id") == "Choose a staff record from the list."
    html = invite(client, name="", email="not an email")
    assert error_of(html, "name") == "Enter the person&#39;s name."
    assert error_of(html, "email").startswith("Enter an email address")
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


# ----- links -------------------------------------------------------------------------------------


def test_a_reset_link_replaces_the_older_ones_and_lasts_a_day(client, login, tiny_site, make_user):
    ann = make_user("technician", email="ann@example.org", staff=named(Staff, "Ann"), name="Ann")
    login("supervisor", email="sue@example.org")
    first = links_on(client.post(f"/accounts/{ann.id}/reset", follow_redirects=True).text)
    html = client.post(f"/accounts/{ann.id}/reset", follow_redirects=True).get_data(as_text=True)
    assert "their older links no longer work" in html
    (second,) = links_on(html)
    newest = db.session.scalars(db.select(AccountLink).order_by(AccountLink.id.desc())).first()
    assert newest.purpose == "reset"
    assert svc.aware(newest.expires_at) - utcnow() <= timedelta(hours=24)

    client.post("/auth/logout")
    replaced = client.get(first[0])
    assert replaced.status_code == 410
    assert "replaced by a newer one" in replaced.get_data(as_text=True)
    assert set_password(client, second).status_code == 302
    client.post("/auth/logout")
    assert signs_in(client, "ann@example.org", GOOD)
    assert not signs_in(client, "ann@example.org", "password-1")


def test_expired_and_unknown_links_say_so_in_words(client, login, tiny_site, make_user):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    issued = svc.reset_link(ann, None)
    issued.link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = client.get(f"/accounts/welcome/{issued.token}")
    assert expired.status_code == 410
    assert "This password-reset link has expired. Ask a supervisor" in expired.text
    sent = set_password(client, f"/accounts/welcome/{issued.token}")
    assert sent.status_code == 410  # nothing set through an expired link
    assert not signs_in(client, "ann@example.org", GOOD)
    unknown = client.get("/accounts/welcome/no-such-link")
    assert unknown.status_code == 404
    assert "This link is not known" in unknown.text


@pytest.mark.parametrize(
    ("password", "again", "field", "message"),
    [
        ("short1", None, "password", "Use at least 10 characters."),
        ("password1234", None, "password", "That password is on a list of common passwords"),
        ("ann@example.org", None, "password", "Do not use your email address or your name"),
        (GOOD, GOOD + "!", "confirm", "The two passwords are not the same."),
    ],
)
def test_a_weak_password_is_refused_beside_the_field(
    client, make_user, password, again, field, message
):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    issued = svc.reset_link(ann, None)
    db.session.commit()
    page = set_password(client, f"/accounts/welcome/{issued.token}", password, again)
    assert page.status_code == 200
    assert error_of(page.text, field).startswith(message)
    db.session.expire_all()
    assert issued.link.used_at is None  # the link still works


# ----- roles and deactivation --------------------------------------------------------------------


def test_a_supervisor_changes_roles_and_deactivates_but_never_themselves(client, login, make_user):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    sue = login("supervisor", email="sue@example.org", name="Sue")
    page = client.post(f"/accounts/{ann.id}/role", data={"role": "pic"}, follow_redirects=True)
    assert "Ann is now a pharmacist-in-charge." in page.text
    assert ann.role is AccountRole.PHARMACIST_IN_CHARGE

    for refused in (
        client.post(f"/accounts/{sue.id}/deactivate", follow_redirects=True),
        client.post(f"/accounts/{sue.id}/role", data={"role": "technician"}, follow_redirects=True),
    ):
        assert "You cannot" in refused.text
    db.session.expire_all()
    assert (sue.active, sue.role) == (True, AccountRole.SUPERVISOR)

    page = client.post(f"/accounts/{ann.id}/deactivate", follow_redirects=True)
    assert "can no longer sign in" in page.text
    assert "No: deactivated" in page.text
    assert not signs_in(client, "ann@example.org", "password-1")
    login(sue)
    client.post(f"/accounts/{ann.id}/reactivate")
    assert signs_in(client, "ann@example.org", "password-1")


def test_the_last_active_supervisor_stays(make_user):
    sue = make_user("supervisor", email="sue@example.org", name="Sue")
    pat = make_user("pic", email="pat@example.org", name="Pat")
    for change in (
        lambda: svc.set_active(sue, False, pat),
        lambda: svc.change_role(sue, AccountRole.TECHNICIAN, pat),
    ):
        with pytest.raises(svc.AccountRefused, match="last active supervisor"):
            change()
    tom = make_user("supervisor", email="tom@example.org", name="Tom")
    svc.set_active(sue, False, tom)  # another supervisor remains
    assert sue.active is False


def test_deactivating_an_invited_account_stops_its_link(client, login, tiny_site):
    login("supervisor", email="sue@example.org")
    (path,) = links_on(invite(client))
    ann = svc.find_by_email("ann@example.org")
    page = client.post(f"/accounts/{ann.id}/deactivate", follow_redirects=True)
    assert "Cancelled Ann&#39;s invitation: its link no longer works." in page.text
    refused = client.post(f"/accounts/{ann.id}/reactivate", follow_redirects=True)
    assert "Ann has not set a password yet: give them a new invitation link." in refused.text
    client.post("/auth/logout")
    assert "has expired" in client.get(path).text


# ----- every technician in one step --------------------------------------------------------------


def test_every_technician_of_a_site_gets_an_account_in_one_step(client, login, tiny_site):
    login("supervisor", email="sue@example.org")
    people = {p.name: p for p in tiny_site.staff}
    page = client.get(f"/accounts/technicians?site={tiny_site.id}").text
    for name in ("Ann", "Ben", "Cat", "Dov"):
        assert f"Email for {name}" in page
    assert "Email for Pat" not in page  # pharmacists are not on this list

    field = {name: f"email_{people[name].id}" for name in ("Ann", "Ben", "Cat", "Dov")}
    same = {field["Ann"]: "a@example.org", field["Ben"]: "a@example.org"}
    page = client.post(f"/accounts/technicians?site={tiny_site.id}", data=same)
    assert error_of(page.text, field["Ben"]) == "Also typed for Ann."
    page = client.post(f"/accounts/technicians?site={tiny_site.id}", data={})
    assert "Type an email for at least one person." in page.text
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1

    emails = {field["Ann"]: "ann@example.org", field["Cat"]: " Cat@Example.org "}
    page = client.post(
        f"/accounts/technicians?site={tiny_site.id}", data=emails, follow_redirects=True
    )
    assert "Invited 2 technicians of Tiny Pharmacy." in page.text
    assert len(links_on(page.text)) == 2
    cat = svc.find_by_email("cat@example.org")
    assert (cat.staff, cat.role, cat.active) == (people["Cat"], AccountRole.TECHNICIAN, False)
    left = client.get(f"/accounts/technicians?site={tiny_site.id}").text
    assert "Email for Ben" in left
    assert "Email for Cat" not in left


def test_a_site_without_technicians_says_so_and_links_to_adding_people(client, login, make_site):
    login("supervisor", email="sue@example.org")
    site = make_site("Corner Pharmacy")
    db.session.commit()
    page = client.get(f"/accounts/technicians?site={site.id}").text
    assert "Corner Pharmacy has no active technicians yet." in page
    assert "has an account" not in page
    assert f'href="/staff/new?site={site.id}"' in page


# ----- my account --------------------------------------------------------------------------------


def test_everyone_changes_their_own_password(client, login, tiny_site):
    login("technician", email="ann@example.org", name="Ann", staff=named(Staff, "Ann"))
    assert 'href="/accounts/mine"' in client.get("/me/").text  # in the header
    wrong = client.post(
        "/accounts/mine", data={"current": "nope", "password": GOOD, "confirm": GOOD}
    )
    assert error_of(wrong.text, "current") == "That is not your current password."
    weak = client.post(
        "/accounts/mine",
        data={"current": "password-1", "password": "qwertyuiop", "confirm": "qwertyuiop"},
    )
    assert error_of(weak.text, "password").startswith("That password is on a list")
    done = client.post(
        "/accounts/mine",
        data={"current": "password-1", "password": GOOD, "confirm": GOOD},
        follow_redirects=True,
    )
    assert "Your password is changed." in done.text
    client.post("/auth/logout")
    assert signs_in(client, "ann@example.org", GOOD)
    assert not signs_in(client, "ann@example.org", "password-1")


# ----- who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["technician", "pic"])
def test_only_supervisors_manage_accounts(client, login, make_user, role):
    other = make_user("technician", email="ben@example.org")
    login(role, email=f"{role}@example.org")
    assert client.get("/accounts/").status_code == 403
    assert client.post(f"/accounts/{other.id}/reset").status_code == 403
    assert client.post("/accounts/invite", data={"email": "x@example.org"}).status_code == 403
    assert db.session.scalar(db.select(db.func.count(AccountLink.id))) == 0
    assert ">Accounts</a>" not in client.get("/accounts/mine").text


def test_the_supervisor_sees_accounts_in_the_menu(client, login):
    login("supervisor")
    assert ">Accounts</a>" in client.get("/accounts/mine").text


# ----- the audit log -----------------------------------------------------------------------------


def test_every_account_action_is_in_the_audit_log_in_words(client, login, tiny_site):
    login("supervisor", email="sue@example.org", name="Sue")
    (path,) = links_on(invite(client))
    ann = svc.find_by_email("ann@example.org")
    client.post("/auth/logout")
    set_password(client, path)
    client.post("/auth/logout")
    login(db.session.scalar(db.select(User).where(User.email == "sue@example.org")))
    client.post(f"/accounts/{ann.id}/role", data={"role": "pic"})
    client.post(f"/accounts/{ann.id}/reset")
    client.post(f"/accounts/{ann.id}/deactivate")

    said = [
        (e.actor_name, e.summary)
        for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
        if e.object_type in ("account", "account_link")
    ]
    summaries = [s for _who, s in said]
    assert ("Sue", "Created the account ann@example.org.") in said
    assert any(
        who == "Sue" and s.startswith("Issued a one-time invitation link for the account ann@")
        for who, s in said
    )
    assert ("Ann", "Changed the password of the account ann@example.org.") in said
    assert (
        "Ann",
        "Used the invitation link of the account ann@example.org to set its password.",
    ) in said
    assert "Changed the role of the account ann@example.org from technician to pic." in summaries
    assert any("password-reset link" in s and "older links no longer work" in s for s in summaries)
    assert any(s.startswith("Deactivated the account ann@example.org") for s in summaries)
    token = path.rsplit("/", 1)[1]
    logged = [str(e.details) + e.summary for e in db.session.scalars(db.select(AuditEvent))]
    assert not any(token in text or "token_hash" in text for text in logged)


# ----- approval and publishing say who can see ---------------------------------------------------


def test_asking_for_approval_without_a_pharmacist_in_charge_says_so(
    client, login, tiny_site, make_rota, make_user
):
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=tiny_week_rows())
    login("supervisor", email="sue@example.org")
    week = f"/rotas/{tiny_site.id}/{rota.week_start.isoformat()}"
    assert 'id="no-approver"' in client.get(week).text
    page = client.post(
        f"/rotas/versions/{rota.id}/submit",
        data={"rota": rota.id, "lock": rota.lock_version},
        follow_redirects=True,
    )
    assert "Not sent: no pharmacist-in-charge can sign in to approve it." in page.text
    assert rota.submitted_at is None
    make_user("pic", email="pat@example.org")
    db.session.commit()
    assert 'id="no-approver"' not in client.get(week).text


def test_publishing_says_how_many_technicians_can_see_it(
    app, client, login, tiny_site, make_rota, make_user
):
    app.config["ROTA_APPROVAL_REQUIRED"] = False
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=tiny_week_rows())
    make_user("technician", email="ann@example.org", staff=named(Staff, "Ann"))
    login("supervisor", email="sue@example.org")
    page = client.post(
        f"/rotas/versions/{rota.id}/publish",
        data={"rota": rota.id, "lock": rota.lock_version},
        follow_redirects=True,
    )
    on_rota = {a.staff.name for a in rota.assignments if a.staff.role.value == "technician"}
    assert f"1 of {len(on_rota)} technicians on this week can sign in to see it" in page.text
