"""E-mail for invitation and reset links, through Flask-Mail, where the site has a mail server.

With ``MAIL_SERVER`` set (in ``instance/config.py`` or the environment, with
``MAIL_PORT``, ``MAIL_USE_TLS``, ``MAIL_USE_SSL``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
``MAIL_DEFAULT_SENDER`` and ``MAIL_TIMEOUT``), a new link is mailed to the account's
address. Without it nothing is sent and the supervisor passes the link on by hand.
A message that cannot be sent is never an error page: the reason comes back in
words, and the link is shown once instead.
"""

from __future__ import annotations

import logging
import os
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import flask_mail
from flask import Flask, current_app, render_template

from ..extensions import db, mail
from ..filters import site_time
from ..models import LinkPurpose, Site, User
from ..security import TRUE_WORDS
from .accounts import IssuedLink, aware

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds to wait for the mail server's answers


def _flag(value: str) -> bool:
    """An on/off setting: '1', 'true', 'yes' and 'on' mean on."""
    return value.strip().lower() in TRUE_WORDS


# the settings read from the environment when the config does not give them, and how
SETTINGS: dict[str, Callable[[str], Any]] = {
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _flag,
    "MAIL_USE_SSL": _flag,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": float,
}


def init_app(app: Flask) -> None:
    """Read the mail settings the config leaves out from the environment; bind Flask-Mail."""
    for key, read in SETTINGS.items():
        value = os.environ.get(key, "").strip()
        if key in app.config or not value:
            continue
        try:
            app.config[key] = read(value)
        except ValueError as exc:
            raise RuntimeError(f"{key} must be a number, not {value!r}.") from exc
    mail.init_app(app)


def enabled() -> bool:
    """Whether links are sent by e-mail: the app has a mail server."""
    return bool(current_app.config.get("MAIL_SERVER"))


# ----- the message ------------------------------------------------------------------------------


def pharmacy_of(user: User, by: User | None) -> Site | None:
    """The site a message names: the person's, else the sender's, else the first by name."""
    for account in (user, by):
        if account is None:
            continue
        if account.staff is not None:
            return account.staff.home_site
        if account.home_site is not None:
            return account.home_site
    return db.session.scalars(db.select(Site).order_by(Site.name).limit(1)).first()


def link_message(issued: IssuedLink, url: str, by: User | None) -> flask_mail.Message:
    """The plain-text message carrying a link: who sent it, the pharmacy, the link, its expiry."""
    user = issued.user
    site = pharmacy_of(user, by)
    rota = f"the {site.name} staff rota" if site is not None else "the pharmacy's staff rota"
    invite = issued.link.purpose is LinkPurpose.INVITE
    subject = f"Your invitation to {rota}" if invite else f"Choose a new password for {rota}"
    body = render_template(
        "accounts/link_mail.txt",
        user=user,
        by=by,
        rota=rota,
        invite=invite,
        url=url,
        expires=site_time(aware(issued.link.expires_at), site.timezone if site else "UTC"),
    )
    return flask_mail.Message(subject=subject, recipients=[user.email], body=body)


# ----- sending ----------------------------------------------------------------------------------


class _Connection(flask_mail.Connection):
    """Flask-Mail's connection, waiting at most ``MAIL_TIMEOUT`` seconds for the server."""

    def configure_host(self) -> smtplib.SMTP:
        """Connect (TLS or SSL as configured) and sign in to the mail server."""
        timeout = float(current_app.config.get("MAIL_TIMEOUT") or DEFAULT_TIMEOUT)
        kind = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = kind(self.mail.server, self.mail.port, timeout=timeout)
        try:
            if self.mail.use_tls:
                host.starttls()
            if self.mail.username and self.mail.password:
                host.login(self.mail.username, self.mail.password)
        except BaseException:
            host.close()
            raise
        return host


@dataclass(frozen=True)
class Sent:
    """What became of one message: sent, or why not in words."""

    email: str
    problem: str | None = None

    @property
    def sent(self) -> bool:
        """Whether the mail server took the message."""
        return self.problem is None


def send(messages: list[flask_mail.Message]) -> list[Sent]:
    """Send messages over one connection; each comes back sent or with the reason it was not."""
    if not messages:
        return []
    if not current_app.config.get("MAIL_DEFAULT_SENDER"):
        problem = "the app's mail settings name no sender address (MAIL_DEFAULT_SENDER)"
        return [Sent(m.recipients[0], problem) for m in messages]
    state = current_app.extensions["mail"]
    connection = _Connection(state)
    results: list[Sent] = []
    try:
        connection.host = None if state.suppress else connection.configure_host()
        for message in messages:
            results.append(_send_one(connection, message))
    except Exception as exc:  # connecting failed, or the connection broke: the rest failed
        problem = _in_words(exc)
        log.warning("Mail to %d people failed: %s", len(messages), problem, exc_info=True)
        results += [Sent(m.recipients[0], problem) for m in messages[len(results) :]]
    finally:
        _close(connection)
    return results


def _send_one(connection: flask_mail.Connection, message: flask_mail.Message) -> Sent:
    """Send one message; a refusal of this message alone comes back in words."""
    email = message.recipients[0]
    try:
        connection.send(message)
    except Exception as exc:  # refused by the server, or the message could not be made
        if _connection_lost(exc):
            raise  # every message left fails alike
        log.warning("Mail to %s failed", email, exc_info=True)
        return Sent(email, _in_words(exc, email))
    return Sent(email)


def _connection_lost(exc: Exception) -> bool:
    """Whether an error ended the connection (rather than refusing one message)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _close(connection: flask_mail.Connection) -> None:
    """Say goodbye to the mail server; a connection already broken is just dropped."""
    if connection.host is None:
        return
    try:
        connection.host.quit()
    except (smtplib.SMTPException, OSError):
        connection.host.close()


def _in_words(exc: BaseException, email: str = "") -> str:
    """Why a message was not sent, as a supervisor can read it."""
    config = current_app.config
    server = f"{config.get('MAIL_SERVER')}:{config.get('MAIL_PORT', 25)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"the mail server refused the address {email or 'of the person'}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"the mail server refused the sender address {config.get('MAIL_DEFAULT_SENDER')}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            "the mail server did not accept the app's user name and password "
            "(MAIL_USERNAME, MAIL_PASSWORD)"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"the mail server {server} closed the connection"
    if isinstance(exc, smtplib.SMTPResponseException):
        said = exc.smtp_error.decode("utf-8", "replace") if exc.smtp_error else ""
        return f"the mail server {server} answered {exc.smtp_code} {said}".rstrip()
    if isinstance(exc, smtplib.SMTPException):
        return f"the mail server {server} refused it ({exc})"
    if isinstance(exc, TimeoutError):
        return f"the mail server {server} did not answer in time"
    if isinstance(exc, OSError):
        return f"the mail server {server} could not be reached ({exc.strerror or exc})"
    if isinstance(exc, flask_mail.BadHeaderError):
        return "the name or address has a line break in it, which a message cannot carry"
    return f"the message could not be sent ({type(exc).__name__})"
