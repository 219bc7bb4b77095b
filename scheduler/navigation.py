"""The main navigation: each area's entry page and the roles that see it.

Each blueprint adds its own entry with :func:`add`; the layout shows the entries
the signed-in account's role may open.
"""

from __future__ import annotations

from flask import Flask

_ITEMS: list[tuple[int, str, str, frozenset[str]]] = []


def add(order: int, endpoint: str, label: str, roles: tuple[str, ...]) -> None:
    """Register a navigation entry (kept sorted by ``order``; a repeat is ignored)."""
    if any(item[1] == endpoint for item in _ITEMS):
        return
    _ITEMS.append((order, endpoint, label, frozenset(roles)))
    _ITEMS.sort()


def items() -> list[tuple[str, str, frozenset[str]]]:
    """The entries as (endpoint, label, roles), in order."""
    return [(endpoint, label, roles) for _order, endpoint, label, roles in _ITEMS]


def init_app(app: Flask) -> None:
    """Make ``nav_items()`` available to every template."""
    app.jinja_env.globals["nav_items"] = items
