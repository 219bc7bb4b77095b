"""Invitation and reset links sent by e-mail, through a real SMTP server started for the test."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from scheduler import create_app
from scheduler.extensions import db
from scheduler.filters import site_time
from scheduler.models import AccountLink, Staff
from scheduler.services import accounts as svc

from .route_walk import named

GOOD = "a quiet shelf of amber bottles"
MAILED_LINK = re.compile(r"^http://localhost(/accounts/welcome/\S+)\r?$", re.MULTILINE)
SHOWN_LINK = re.compile(r'value="http://localhost(/accounts/welcome/[^"]+)"')


class Inbox:
    """An aiosmtpd handler keeping what it accepts; it refuses addresses at bounce.example.net."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Accept a recipient, except those of the domain bounce.example.net."""
        if address.endswith("@bounce.example.net"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Keep the message with its envelope recipients."""
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on just now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer(Controller):
    """aiosmtpd's server in a thread of its own, which a test may stop early."""

    running = False

    def start(self) -> None:
        """Listen on the port."""
        super().start()
        self.running = True

    def stop(self, no_assert: bool = False) -> None:
        """Stop listening (once; later calls do nothing)."""
        if self.running:
            self.running = False
            super().stop(no_assert)


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port; ``smtp.handler.messages`` holds what it got."""
    server = SmtpServer(Inbox(), hostname="127.0.0.1", port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app(database_url, smtp):
    """The app as ``tests/web/conftest.py`` makes it, with the test's SMTP server configured."""
    app = create_app(
        {
            "TESTING": True,
            "REDIS_URL": None,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp.port,
            "MAIL_DEFAULT_SENDER": "Pharmacy rota <rota@example.org>",
            "MAIL_SUPPRESS_SEND": False,  # TESTING would only pretend to send
            "MAIL_TIMEOUT": 5,
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def inbox(smtp) -> list[tuple[list[str], EmailMessage]]:
    """The messages the SMTP server accepted: (envelope recipients, message)."""
    return smtp.handler.messages


def body_of(message: EmailMessage) -> str:
    """A message's plain text."""
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message: EmailMessage) -> str:
    """The one-time link a message carries, as a path."""
    (path,) = MAILED_LINK.findall(body_of(message))
    return path


def set_password_through(client, path: str) -> int:
    """Open a link signed out, set GOOD as the password; the answer's status."""
    client.post("/auth/logout")
    assert client.get(path).status_code == 200
    return client.post(path, data={"password": GOOD, "confirm": GOOD}).status_code


def signs_in(client, email: str, password: str) -> bool:
    """Whether the sign-in form accepts the email and password (signed out before and after)."""
    client.post("/auth/logout")
    page = client.post("/auth/login", data={"email": email, "password": password})
    client.post("/auth/logout")
    return page.status_code == 302


def test_an_invitation_is_mailed_to_the_person_and_its_link_sets_a_password(
    client, login, tiny_site, smtp
):
    login("supervisor", email="sue@example.org", name="Sue Grant")
    ann = named(Staff, "Ann")
    data = {"name": "Ann", "email": "ann@example.org", "role": "technician", "staff_id": ann.id}
    page = client.post("/accounts/invite", data=data, follow_redirects=True)
    assert page.status_code == 200
    assert "Sent to ann@example.org" in page.text
    assert "The link was sent by e-mail to ann@example.org." in page.text
    assert SHOWN_LINK.findall(page.text) == []  # a mailed link is not shown

    ((recipients, message),) = inbox(smtp)
    assert recipients == ["ann@example.org"]
    assert message["To"] == "ann@example.org"
    assert message["From"] == "Pharmacy rota <rota@example.org>"
    assert message["Subject"] == "Your invitation to the Tiny Pharmacy staff rota"
    text = body_of(message)
    assert "Hello Ann," in text
    assert (
        "Sue Grant has invited you to sign in to the Tiny Pharmacy staff rota as a technician."
        in text
    )
    (link,) = db.session.scalars(db.select(AccountLink)).all()
    assert f"until {site_time(svc.aware(link.expires_at), tiny_site)}" in text

    path = link_in(message)
    assert set_password_through(client, path) == 302
    assert "<dd>ann@example.org</dd>" in client.get("/accounts/mine").text  # signed in as Ann
    assert signs_in(client, "ann@example.org", GOOD)


def test_a_reset_link_is_mailed_and_the_old_password_stops(client, login, make_user, smtp):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    login("supervisor", email="sue@example.org", name="Sue Grant")
    page = client.post(f"/accounts/{ann.id}/reset", follow_redirects=True)
    assert "New password-reset link for Ann" in page.text
    assert "Sent to ann@example.org" in page.text

    ((recipients, message),) = inbox(smtp)
    assert recipients == ["ann@example.org"]
    assert message["Subject"] == "Choose a new password for the pharmacy's staff rota"
    assert "Sue Grant has given you a link to choose a new password" in body_of(message)
    assert set_password_through(client, link_in(message)) == 302
    assert signs_in(client, "ann@example.org", GOOD)
    assert not signs_in(client, "ann@example.org", "password-1")


def test_each_technician_of_a_bulk_invitation_gets_their_own_link(client, login, tiny_site, smtp):
    login("supervisor", email="sue@example.org", name="Sue Grant")
    ann, ben = named(Staff, "Ann"), named(Staff, "Ben")
    page = client.post(
        f"/accounts/technicians?site={tiny_site.id}",
        data={f"email_{ann.id}": "ann@example.org", f"email_{ben.id}": "ben@example.org"},
        follow_redirects=True,
    )
    assert "Invited 2 technicians of Tiny Pharmacy. Each link was sent by e-mail" in page.text
    assert "Sent to ann@example.org" in page.text
    assert "Sent to ben@example.org" in page.text

    mailed = {recipients[0]: message for recipients, message in inbox(smtp)}
    assert sorted(mailed) == ["ann@example.org", "ben@example.org"]
    for email, name in (("ben@example.org", "Ben"), ("ann@example.org", "Ann")):
        path = link_in(mailed[email])
        client.post("/auth/logout")
        assert f"Welcome, {name}" in client.get(path).text
        assert set_password_through(client, path) == 302
        assert signs_in(client, email, GOOD)


def test_a_refused_address_shows_that_link_once_with_the_reason(client, login, tiny_site, smtp):
    login("supervisor", email="sue@example.org", name="Sue Grant")
    ann, ben = named(Staff, "Ann"), named(Staff, "Ben")
    page = client.post(
        f"/accounts/technicians?site={tiny_site.id}",
        data={f"email_{ann.id}": "ann@example.org", f"email_{ben.id}": "ben@bounce.example.net"},
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert "1 of 2 links could not be sent by e-mail" in page.text
    assert "Sent to ann@example.org" in page.text
    assert (
        "Could not e-mail Ben's link to ben@bounce.example.net: the mail server refused the "
        "address ben@bounce.example.net." in page.text
    )
    (shown,) = SHOWN_LINK.findall(page.text)  # Ben's, shown once; Ann's was mailed
    assert [recipients for recipients, _ in inbox(smtp)] == [["ann@example.org"]]
    assert SHOWN_LINK.findall(client.get("/accounts/").text) == []
    client.post("/auth/logout")
    assert "Welcome, Ben" in client.get(shown).text
    assert set_password_through(client, shown) == 302


def test_a_mail_server_that_cannot_be_reached_is_said_in_words_never_a_500(
    client, login, make_user, smtp
):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    login("supervisor", email="sue@example.org")
    smtp.stop()  # nothing listens on the configured port any more
    page = client.post(f"/accounts/{ann.id}/reset", follow_redirects=True)
    assert page.status_code == 200
    assert "The link could not be sent by e-mail (the reason is below)" in page.text
    assert (
        f"Could not e-mail Ann's link to ann@example.org: the mail server "
        f"127.0.0.1:{smtp.port} could not be reached" in page.text
    )
    (shown,) = SHOWN_LINK.findall(page.text)
    assert set_password_through(client, shown) == 302
    assert signs_in(client, "ann@example.org", GOOD)


def test_without_a_sender_address_the_link_is_shown_and_the_setting_named(
    app, client, login, make_user, smtp
):
    ann = make_user("technician", email="ann@example.org", name="Ann")
    login("supervisor", email="sue@example.org")
    app.config["MAIL_DEFAULT_SENDER"] = None
    page = client.post(f"/accounts/{ann.id}/reset", follow_redirects=True)
    assert "name no sender address (MAIL_DEFAULT_SENDER)" in page.text
    assert len(SHOWN_LINK.findall(page.text)) == 1
    assert inbox(smtp) == []


def test_the_pages_say_links_are_mailed(client, login, tiny_site):
    login("supervisor")
    assert "sent by e-mail to the address below" in client.get("/accounts/").text
    page = client.get(f"/accounts/technicians?site={tiny_site.id}")
    assert "sent by e-mail to that address" in page.text


def test_mail_settings_come_from_the_environment(monkeypatch, database_url):
    for key, value in {
        "MAIL_SERVER": "smtp.example.org",
        "MAIL_PORT": "587",
        "MAIL_USE_TLS": "yes",
        "MAIL_USERNAME": "rota",
        "MAIL_PASSWORD": "s3cret",
        "MAIL_DEFAULT_SENDER": "rota@example.org",
    }.items():
        monkeypatch.setenv(key, value)
    config = {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": database_url}
    made = create_app(config)
    state = made.extensions["mail"]
    assert (state.server, state.port, state.use_tls, state.use_ssl) == (
        "smtp.example.org",
        587,
        True,
        False,
    )
    assert (state.username, state.password, state.default_sender) == (
        "rota",
        "s3cret",
        "rota@example.org",
    )
    # the app's own config wins over the environment
    assert create_app({**config, "MAIL_PORT": 2525}).extensions["mail"].port == 2525

    monkeypatch.setenv("MAIL_PORT", "smtp")
    with pytest.raises(RuntimeError, match="MAIL_PORT must be a number, not 'smtp'"):
        create_app(config)
