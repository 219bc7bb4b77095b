"""Reading the audit log for its page: the events a filter selects, the people who appear in
it, an event's details as lines, and the newest event (to tell whether anything changed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from ...extensions import db
from ...models import Site, User
from ...models.audit import AuditEvent
from .recording import log_enabled
from .vocabulary import ACTIONS, OBJECT_LABELS
from .wording import field_words


def last_change() -> tuple | None:
    """The id and time of the newest audit event: they move whenever anything recorded changes.

    Pages use it to know whether a result computed from the data still holds (one
    primary-key lookup); the time keeps a database emptied and filled again from
    matching an older result. None when the audit log is off, so nothing can be reused.
    """
    if not log_enabled():
        return None
    newest = db.session.execute(
        db.select(AuditEvent.id, AuditEvent.at).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    return tuple(newest) if newest is not None else (0, None)


NO_ACCOUNT = "none"  # the person filter's value for events no account made (system, CLI)


@dataclass(frozen=True)
class EventFilter:
    """What the audit page asks for; None means any."""

    site_id: int | None = None
    person: str | None = None  # an account id as text, or NO_ACCOUNT
    action: str | None = None
    start: date | None = None
    end: date | None = None


def events_query(chosen: EventFilter):
    """The events a filter selects, newest first."""
    query = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if chosen.site_id is not None:
        query = query.where(AuditEvent.site_id == chosen.site_id)
    if chosen.person == NO_ACCOUNT:
        query = query.where(AuditEvent.actor_user_id.is_(None))
    elif chosen.person:
        query = query.where(AuditEvent.actor_user_id == int(chosen.person))
    if chosen.action:
        query = query.where(AuditEvent.action == chosen.action)
    if chosen.start is not None:
        query = query.where(AuditEvent.at >= datetime.combine(chosen.start, time(), UTC))
    if chosen.end is not None:
        after = datetime.combine(chosen.end + timedelta(days=1), time(), UTC)
        query = query.where(AuditEvent.at < after)
    return query


def actor_choices() -> list[tuple[str, str]]:
    """The people who appear in the log as (account id, name), and one entry for no account."""
    rows = db.session.execute(
        db.select(AuditEvent.actor_user_id, db.func.max(AuditEvent.id))
        .where(AuditEvent.actor_user_id.is_not(None))
        .group_by(AuditEvent.actor_user_id)
    ).all()
    latest: dict[int, int] = dict(rows)
    names = (
        dict(
            db.session.execute(
                db.select(AuditEvent.actor_user_id, AuditEvent.actor_name).where(
                    AuditEvent.id.in_(latest.values())
                )
            ).all()
        )
        if latest
        else {}
    )
    accounts = (
        {u.id: u.name for u in db.session.scalars(db.select(User).where(User.id.in_(latest)))}
        if latest
        else {}
    )
    people = sorted(
        ((str(uid), accounts.get(uid) or names.get(uid, f"Account #{uid}")) for uid in latest),
        key=lambda pair: pair[1].casefold(),
    )
    return [*people, (NO_ACCOUNT, "No account (system, command line)")]


def detail_lines(details: dict[str, Any] | None) -> list[str]:
    """An event's details as lines to read: 'name: Ann -> Anne', 'competencies added: CF'."""
    if not details:
        return []
    lines = []
    for key, values in (details.get("changes") or {}).items():
        words = field_words(key)
        if "from" in values:
            lines.append(f"{words}: {_shown(values['from'])} \u2192 {_shown(values.get('to'))}")
        else:
            lines.append(f"{words}: {_shown(values.get('to'))}")
    for key, values in (details.get("collections") or {}).items():
        for part in ("added", "removed"):
            if values.get(part):
                lines.append(f"{field_words(key)} {part}: {', '.join(values[part])}")
    lines.extend(f"hard rule broken: {rule}" for rule in details.get("hard_rules_broken") or [])
    if "assignments" in details:
        lines.append(f"assignments: {details['assignments']}")
    lines.extend(details.get("items") or [])
    return lines


def _shown(value: Any) -> str:
    """A stored value as text: 'none' for None, 'yes'/'no' for booleans, lists joined."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value) or "none"
    return str(value)


@dataclass(frozen=True)
class EventRow:
    """One event as the audit page lists it: the event and its parts in words."""

    event: AuditEvent
    action: str  # e.g. "Published"
    object_label: str  # e.g. "Rota"
    site: str  # the site's name, "#7" for a site since deleted, "–" for none
    zone: str  # the site's time zone, the event's time is shown in (UTC without a site)
    lines: list[str]  # the details, a line each


def event_rows(events: list[AuditEvent], sites: list[Site]) -> list[EventRow]:
    """The audit page's rows for ``events``; ``sites`` names the sites they may belong to."""
    by_id = {s.id: s for s in sites}
    rows = []
    for e in events:
        site = by_id.get(e.site_id)
        rows.append(
            EventRow(
                event=e,
                action=ACTIONS.get(e.action, e.action),
                object_label=OBJECT_LABELS.get(e.object_type, e.object_type),
                site=site.name if site else (f"#{e.site_id}" if e.site_id else "\u2013"),
                zone=site.timezone if site else "UTC",
                lines=detail_lines(e.details),
            )
        )
    return rows
