"""Who may do what, and the protections every response gets.

Role checks for views and the signed-in person's staff record; and, set up once
by :func:`init_app`: the secret key (never a constant in code), the session
cookie flags, the signed-in account's loader, security headers, sign-in rate limits
and a clear page for a refused CSRF token.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, Response, abort, current_app, render_template, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from .extensions import db, login_manager
from .models import AccountRole, Staff, User

F = TypeVar("F", bound=Callable)

SUPERVISOR = AccountRole.SUPERVISOR
PIC = AccountRole.PHARMACIST_IN_CHARGE
TECHNICIAN = AccountRole.TECHNICIAN
MANAGERS = (SUPERVISOR, PIC)

SECRET_KEY_FILE = "secret_key"
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})

# Rate limits: failed sign-ins per submitted email, and per client address.
LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
LOGIN_LIMIT_PER_ADDRESS = "60 per minute"
FAILED_SIGN_IN = "scheduler.failed_sign_in"  # marks a request (its WSGI environ)

# Content-Security-Policy: every script, style, image and font comes from this site;
# no inline scripts, handlers or style attributes; no framing; forms post here only.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
SESSION_LIFETIME = timedelta(hours=12)

limiter = Limiter(get_remote_address)


# ----- role checks ---------------------------------------------------------------------


def roles_required(*roles: AccountRole) -> Callable[[F], F]:
    """Let a view through only for signed-in accounts holding one of the roles (else 403)."""

    def decorate(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate


def current_staff() -> Staff:
    """The staff record of the signed-in account, or 403 when it has none."""
    staff = getattr(current_user, "staff", None)
    if staff is None:
        abort(403)
    return staff


def safe_next(target: str | None) -> str | None:
    """A redirect target only when it stays on this site (a path, no scheme or host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# ----- the signed-in account ------------------------------------------------------------------

SESSION_ID = re.compile(r"([0-9]{1,9})(?::([0-9]{1,9}))?")  # "7:2", or "7" from before epochs


def load_user(user_id: str):
    """Find the signed-in account from the session's 'id:epoch' (see ``User.get_id``).

    A session whose epoch is older than the account's was signed in before the
    password last changed: it is not signed in any more. A bare id (a session from
    before epochs) counts as epoch 0, so it ends at the account's first password change.
    """
    found = SESSION_ID.fullmatch(user_id)
    if found is None:
        return None
    account, epoch = int(found[1]), int(found[2] or 0)
    user = db.session.get(User, account)
    if user is None or epoch != (user.session_epoch or 0):
        return None
    return user


# ----- set-up -------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Give the app its secret key, cookie flags, headers and rate limits."""
    configure_secret_key(app)
    configure_cookies(app)
    login_manager.user_loader(load_user)
    app.after_request(add_security_headers)
    configure_rate_limits(app)
    app.register_error_handler(CSRFError, csrf_refused)


def env_flag(name: str) -> bool | None:
    """An on/off environment variable ('1', 'true', 'yes', 'on' mean on), or None when unset."""
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return value.strip().lower() in TRUE_WORDS


# ----- the secret key -----------------------------------------------------------------------


def configure_secret_key(app: Flask) -> None:
    """Use SECRET_KEY from the config or the environment, else the instance folder's key file."""
    if app.config.get("SECRET_KEY"):
        return
    from_env = os.environ.get("SECRET_KEY", "").strip()
    if from_env:
        app.config["SECRET_KEY"] = from_env
        return
    app.config["SECRET_KEY"] = load_or_create_secret_key(Path(app.instance_path) / SECRET_KEY_FILE)


def load_or_create_secret_key(path: Path) -> str:
    """The key stored at ``path``; on first run, a new random key written there (mode 0600).

    The new key is written to a private temporary file first, then linked into
    place, which fails if the file already exists: when two processes start at
    once, both end up with the key of whichever linked first, and nobody ever
    reads a half-written file.
    """
    try:
        return _read_secret_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(key + "\n")
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return _read_secret_key(path)  # another process made it first
    finally:
        os.unlink(temporary)
    return key


def _read_secret_key(path: Path) -> str:
    """A stored secret key; an empty file is an error that says how to fix it."""
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it and a new secret key will be made.")
    return key


# ----- cookies and headers --------------------------------------------------------------------


def configure_cookies(app: Flask) -> None:
    """Session and remember-me cookies: HttpOnly, SameSite=Lax, Secure when served over HTTPS.

    ``SESSION_COOKIE_SECURE`` (config or environment) is off by default because the
    development server is plain http on 127.0.0.1, where a browser would not send
    a Secure cookie back and nobody could stay signed in. Turn it on wherever the
    app is served over HTTPS; it also turns on Strict-Transport-Security. A signed-in
    session ends 12 hours after the last request (``PERMANENT_SESSION_LIFETIME``).
    """
    secure = bool(app.config.get("SESSION_COOKIE_SECURE")) or bool(
        env_flag("SESSION_COOKIE_SECURE")
    )
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config.setdefault("REMEMBER_COOKIE_SECURE", secure)
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=14))
    if app.config.get("PERMANENT_SESSION_LIFETIME") in (
        None,
        Flask.default_config["PERMANENT_SESSION_LIFETIME"],
    ):  # Flask's default is a month; a signed-in session lasts about a long shift here
        app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME


def add_security_headers(response: Response) -> Response:
    """Security headers on every response; the content policy on pages (HTML) only.

    Files (PDF, .ics, CSV, Excel, JSON) keep their own handling: a content policy
    means nothing to them and could get in the way of a browser's PDF viewer.
    """
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


# ----- rate limits ------------------------------------------------------------------------------


def configure_rate_limits(app: Flask) -> None:
    """Bind the limiter: Redis (REDIS_URL) when configured, else this process's memory.

    With Redis, every web process shares the counts; should Redis stop answering, each
    process counts in its own memory until it is back (rather than failing sign-ins).
    ``RATELIMIT_ENABLED = False`` turns the limits off.
    """
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", bool(redis_url))
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "scheduler")
    app.config.setdefault("LOGIN_LIMIT_PER_ACCOUNT", LOGIN_LIMIT_PER_ACCOUNT)
    app.config.setdefault("LOGIN_LIMIT_PER_ADDRESS", LOGIN_LIMIT_PER_ADDRESS)
    limiter.init_app(app)


def login_account_key() -> str:
    """The rate-limit key of a sign-in attempt: the email typed, as the login view reads it."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"login-account:{email}"


def login_address_key() -> str:
    """The rate-limit key of a sign-in attempt by where it comes from."""
    return f"login-address:{get_remote_address()}"


def note_failed_sign_in() -> None:
    """Mark this request as a sign-in whose email and password did not match an account."""
    request.environ[FAILED_SIGN_IN] = True


def sign_in_failed(_response: Response) -> bool:
    """Whether this request was a failed sign-in: only those count toward the limits.

    A successful sign-in, a form with a field missing or malformed (no password was
    tried) and a refused CSRF token do not count.
    """
    return bool(request.environ.get(FAILED_SIGN_IN))


# ----- a refused CSRF token ---------------------------------------------------------------------


def csrf_refused(error: CSRFError):
    """A form without a valid CSRF token: say nothing was saved, and how to go on (the
    sign-in page answers its own, see ``views/auth.py``)."""
    message = (
        "This form has expired or did not come from this site, so nothing was saved. "
        "Go back, reload the page and try again."
    )
    return render_template(
        "errors/error.html", code=400, title="Form expired", message=message
    ), 400
