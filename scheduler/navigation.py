"""The main navigation: each area's entry page and the roles that see it.

Each blueprint adds its own entry with :func:`add`; the layout shows the entries
the signed-in account's role may open. An entry may carry a count of what waits
there for the account (things to decide, changed shifts), shown as a small badge
with the same number said in words for screen readers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db


@dataclass(frozen=True)
class Counter:
    """How to count what waits behind an entry, and the words for one and for several."""

    count: Callable[[Any], int]  # the signed-in account -> how many
    one: str  # 'thing waits for you'
    many: str  # 'things wait for you'


_ITEMS: list[tuple[int, str, str, frozenset[str]]] = []
_COUNTERS: dict[str, Counter] = {}


def add(
    order: int,
    endpoint: str,
    label: str,
    roles: tuple[str, ...],
    counter: Counter | None = None,
) -> None:
    """Register a navigation entry (kept sorted by ``order``; a repeat is ignored)."""
    if any(item[1] == endpoint for item in _ITEMS):
        return
    _ITEMS.append((order, endpoint, label, frozenset(roles)))
    _ITEMS.sort()
    if counter is not None:
        _COUNTERS[endpoint] = counter


def items() -> list[tuple[str, str, frozenset[str]]]:
    """The entries as (endpoint, label, roles), in order."""
    return [(endpoint, label, roles) for _order, endpoint, label, roles in _ITEMS]


def waiting(endpoint: str) -> tuple[int, str]:
    """How many things wait behind an entry for the signed-in account, and that in words.

    (0, '') for an entry without a count, or when nobody is signed in. An error page
    shown after a failed database statement still shows: the count is left out.
    """
    counter = _COUNTERS.get(endpoint)
    if counter is None or not current_user.is_authenticated:
        return 0, ""
    try:
        n = counter.count(current_user._get_current_object())
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("The menu's count for %s was left out", endpoint)
        return 0, ""
    return n, f"{n} {counter.one if n == 1 else counter.many}"


def init_app(app: Flask) -> None:
    """Make ``nav_items()`` and ``nav_waiting(endpoint)`` available to every template."""
    app.jinja_env.globals["nav_items"] = items
    app.jinja_env.globals["nav_waiting"] = waiting
