"""Who may do what: role checks for views, and the signed-in person's staff record."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required

from .models import AccountRole, Staff

F = TypeVar("F", bound=Callable)

SUPERVISOR = AccountRole.SUPERVISOR
PIC = AccountRole.PHARMACIST_IN_CHARGE
TECHNICIAN = AccountRole.TECHNICIAN
MANAGERS = (SUPERVISOR, PIC)


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
