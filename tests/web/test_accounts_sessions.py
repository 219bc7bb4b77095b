"""A password change signs out every other session of the account; the one that made it stays."""

from __future__ import annotations

import re

from scheduler.extensions import db
from scheduler.models import AuditEvent
from scheduler.services import accounts as svc

GOOD = "a quiet shelf of amber bottles"


class Browser:
    """A browser of its own: each request in an app context of its own, as in production
    (the tests' shared app context would otherwise keep the last signed-in account)."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def get(self, path: str, **kwargs):
        """GET a page."""
        with self.client.application.app_context():
            return self.client.get(path, **kwargs)

    def post(self, path: str, **kwargs):
        """POST a form."""
        with self.client.application.app_context():
            return self.client.post(path, **kwargs)


def signed_in(browser: Browser) -> bool:
    """Whether the browser is still signed in: My account opens, not the sign-in page."""
    return browser.get("/accounts/mine").status_code == 200


def sign_in(app, email: str, password: str = "password-1") -> Browser:
    """A new browser signed in as the account."""
    browser = Browser(app)
    page = browser.post("/auth/login", data={"email": email, "password": password})
    assert page.status_code == 302, page.text
    return browser


def test_changing_my_password_signs_out_my_other_sessions_only(app, make_user):
    make_user("technician", email="ann@example.org", name="Ann")
    db.session.commit()
    desk, phone = sign_in(app, "ann@example.org"), sign_in(app, "ann@example.org")
    assert signed_in(desk)
    assert signed_in(phone)

    page = desk.post(
        "/accounts/mine",
        data={"current": "password-1", "password": GOOD, "confirm": GOOD},
        follow_redirects=True,
    )
    assert "Your password is changed" in page.text
    assert "anywhere else you were signed in, you are now signed out" in page.text

    sent_away = phone.get("/accounts/mine")
    assert sent_away.status_code == 302
    assert "/auth/login" in sent_away.headers["Location"]
    assert phone.get("/").status_code == 302  # and it stays signed out
    assert signed_in(desk)
    assert "<dd>ann@example.org</dd>" in desk.get("/accounts/mine").text
    assert signed_in(sign_in(app, "ann@example.org", GOOD))


def test_a_wrong_current_password_changes_nothing_and_signs_no_one_out(app, make_user):
    make_user("technician", email="ann@example.org", name="Ann")
    db.session.commit()
    desk, phone = sign_in(app, "ann@example.org"), sign_in(app, "ann@example.org")
    page = desk.post(
        "/accounts/mine", data={"current": "not-my-password", "password": GOOD, "confirm": GOOD}
    )
    assert "That is not your current password." in page.text
    assert signed_in(desk)
    assert signed_in(phone)


def test_a_password_set_through_a_reset_link_signs_out_the_old_sessions(app, make_user):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    db.session.commit()
    stolen = sign_in(app, "ann@example.org")
    issued = svc.reset_link(ann, None)
    db.session.commit()
    fresh = Browser(app)
    path = f"/accounts/welcome/{issued.token}"
    assert fresh.post(path, data={"password": GOOD, "confirm": GOOD}).status_code == 302

    assert not signed_in(stolen)
    assert signed_in(fresh)  # the link signed its user in, after the change


def test_a_session_from_before_epochs_lasts_until_the_password_changes(app, make_user):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    ann.session_epoch = 0  # as every account was when epochs came in
    db.session.commit()
    old = Browser(app)
    with old.client.session_transaction() as session:
        session["_user_id"] = str(ann.id)  # how sessions named the account before
        session["_fresh"] = True
    assert signed_in(old)

    ann.set_password(GOOD)
    db.session.commit()
    assert not signed_in(old)


def test_a_forged_or_garbled_session_id_is_not_signed_in(app, make_user):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    db.session.commit()
    for value in (f"{ann.id}:{ann.session_epoch + 1}", f"{ann.id}:x", "x", f"{ann.id}:1:2", ""):
        browser = Browser(app)
        with browser.client.session_transaction() as session:
            session["_user_id"] = value
        assert not signed_in(browser), value


def test_the_audit_log_records_the_change_without_the_epoch(app, make_user):
    make_user("technician", email="ann@example.org", name="Ann")
    db.session.commit()
    desk = sign_in(app, "ann@example.org")
    desk.post("/accounts/mine", data={"current": "password-1", "password": GOOD, "confirm": GOOD})
    (event,) = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "password changed")
    ).all()
    assert event.actor_name == "Ann"
    assert not db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.summary.contains("epoch"))
    ).all()
    assert not re.search(
        "epoch", repr([e.details for e in db.session.scalars(db.select(AuditEvent))])
    )
