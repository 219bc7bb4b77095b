"""Recording the audit log as the session flushes, so views and services need no changes.

Mapper events note each row of an audited model that a flush inserts, updates
or deletes (with its changed fields, old -> new); after the flush, those notes
become :class:`~scheduler.models.audit.AuditEvent` rows in the same transaction,
so a change and its record are committed, or rolled back, together.

What is recorded: people's edits of staff, skills, certifications, leave, goals,
wishes, CE, sites and their set-up, competencies, accounts, rotas and their
assignments; rota submissions, approvals and publications; sign-offs; overrides
(a hand edit saved while the rota breaks hard rules); password and role changes
(never a hash). What is not: solve progress, calendar feed reads, and a new
rota's assignments one by one (the rota's event counts them, "built by the
solver"). A flush that makes many alike events (a staff import, a cover grid)
records one event listing them.
"""

from __future__ import annotations

import getpass
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import click
from flask import Flask, current_app, has_app_context, has_request_context
from flask_login import current_user
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from ...extensions import db
from ...models import (
    AccountLink,
    Competency,
    Duty,
    Leave,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    SignOff,
    Site,
    Staff,
    StaffCompetency,
    Station,
    User,
    utcnow,
)
from ...models.audit import AuditEvent
from ..accounts import UNUSABLE_PREFIX
from ..priorities import settings_changes, window_change
from .vocabulary import ACTIONS, AUDITED, OBJECT_LABELS, SECRET_FIELDS
from .wording import RowDescriber, day_words, json_value

# the field that archives a row: set (or False) archives it, cleared (or True) restores it
ARCHIVE_FIELDS = {Station: "archived_at", ShiftType: "archived_at", Duty: "archived_at"}
ARCHIVE_FIELDS |= {Competency: "archived_at", Staff: "active"}

PRIORITY_FIELDS = frozenset({"priorities", "fairness_weeks"})  # a site's, said in words
SKIPPED_FIELDS = frozenset({"id", "created_at", "token_hash", "lock_version", "session_epoch"})
HIDDEN = "(a new password)"
NO_PASSWORD = "(none yet: invited)"
# a many-to-many link is recorded on one side only: the station lists its competencies
MIRRORED = frozenset({(Competency, "stations")})
# a rota's fields that every edit or solve rewrites (its score, findings, last editor):
# the edit itself is what is recorded
ROTA_QUIET_FIELDS = frozenset(
    {
        "costs",
        "objective",
        "bound",
        "reasons",
        "solve_status",
        "violations",
        "based_on_id",
        "changed_at",
        "changed_by_id",
    }
)
BULK = 20  # more alike events than this in one flush become one event listing them
BULK_LISTED = 200
PENDING = "audit.pending"
_overrides: weakref.WeakSet[Rota] = weakref.WeakSet()  # rotas whose hard-rule findings were set


# ----- what a flush did -------------------------------------------------------------


@dataclass
class RowChange:
    """One row a flush wrote: created, changed or deleted, with its fields old -> new."""

    op: str
    target: Any
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    collections: dict[str, tuple[list[Any], list[Any]]] = field(default_factory=dict)
    overrode: bool = False

    def old(self, key: str) -> Any:
        """A changed column's value before the flush (None when unknown or not changed)."""
        return self.columns.get(key, {}).get("from")

    def new(self, key: str) -> Any:
        """A changed column's value after the flush (None when not changed)."""
        return self.columns.get(key, {}).get("to")


def _note(op: str) -> Callable[..., None]:
    """A mapper event handler that notes one written row on its session."""

    def handler(_mapper: Any, _connection: Any, target: Any) -> None:
        state = inspect(target)
        session = state.session
        if session is None:
            return
        change = RowChange(op, target)
        for attr in state.mapper.column_attrs:
            key = attr.key
            if key in SKIPPED_FIELDS:
                continue
            if key in SECRET_FIELDS:
                if op != "deleted" and state.attrs[key].history.added:
                    unusable = str(state.dict.get(key) or "").startswith(UNUSABLE_PREFIX)
                    change.columns[key] = {"to": NO_PASSWORD if unusable else HIDDEN}
                continue
            if op == "changed":
                history = state.attrs[key].history
                if not history.added and not history.deleted:
                    continue
                if history.added and history.deleted and history.added[0] == history.deleted[0]:
                    continue
                change.columns[key] = ({"from": history.deleted[0]} if history.deleted else {}) | {
                    "to": history.added[0] if history.added else None
                }
            elif state.dict.get(key) is not None:
                value = state.dict[key]
                change.columns[key] = {"to": value} if op == "created" else {"from": value}
        for rel in state.mapper.relationships:
            if rel.secondary is None or op == "deleted" or (type(target), rel.key) in MIRRORED:
                continue
            history = state.attrs[rel.key].history
            added = list(history.added or ())
            removed = list(history.deleted or ()) if op == "changed" else []
            if added or removed:
                change.collections[rel.key] = (added, removed)
        if isinstance(target, Rota) and target in _overrides:
            _overrides.discard(target)
            change.overrode = op == "changed" and bool(target.violations)
        session.info.setdefault(PENDING, []).append(change)

    return handler


def _keep_old(_target: Any, value: Any, _old: Any, _initiator: Any) -> Any:
    """A no-op 'set' listener whose ``active_history`` keeps a field's old value for the log."""
    return value


def _violations_set(target: Rota, value: Any, _old: Any, _initiator: Any) -> None:
    """Note that an edit stored a rota's hard-rule findings (an override when not empty)."""
    _overrides.add(target)


def _start_flush(session: Session, _context: Any, _instances: Any) -> None:
    """Forget notes of an earlier flush that failed."""
    session.info.pop(PENDING, None)


def _forget(session: Session, *_args: Any) -> None:
    """Forget notes of a rolled-back transaction."""
    session.info.pop(PENDING, None)


def _record(session: Session, _context: Any) -> None:
    """Write the flush's notes as audit events, on the same connection and transaction."""
    changes: list[RowChange] = session.info.pop(PENDING, None) or []
    if not changes or not log_enabled():
        return
    rows = build_events(session, changes)
    if not rows:
        return
    acting = actor()
    now = utcnow()
    for row in rows:
        actor_id, actor_name = row.pop("actor", None) or acting
        row.update(at=now, actor_user_id=actor_id, actor_name=actor_name)
    session.connection().execute(insert(AuditEvent.__table__), rows)


def log_enabled() -> bool:
    """Whether the app records an audit log (``AUDIT_LOG``, on unless turned off)."""
    return not has_app_context() or bool(current_app.config.get("AUDIT_LOG", True))


def init_app(app: Flask) -> None:
    """Start recording (once per process; every app shares the session class)."""
    app.config.setdefault("AUDIT_LOG", True)
    if event.contains(db.session, "after_flush", _record):
        return
    for model in AUDITED:
        for op, name in (
            ("created", "after_insert"),
            ("changed", "after_update"),
            ("deleted", "after_delete"),
        ):
            event.listen(model, name, _note(op))
        for attr in inspect(model).column_attrs:
            if attr.key not in SKIPPED_FIELDS | SECRET_FIELDS:  # load the old value first
                event.listen(getattr(model, attr.key), "set", _keep_old, active_history=True)
    event.listen(Rota.violations, "set", _violations_set)
    event.listen(db.session, "before_flush", _start_flush)
    event.listen(db.session, "after_rollback", _forget)
    event.listen(db.session, "after_flush", _record)


# ----- who acted ---------------------------------------------------------------------------


def actor() -> tuple[int | None, str]:
    """Who is acting: the signed-in account in a request, else the command line or 'system'."""
    if has_request_context():
        if current_user.is_authenticated:
            return current_user.id, current_user.name
        return None, "anonymous visitor"
    context = click.get_current_context(silent=True)
    if context is not None:
        try:
            who = f" as {getpass.getuser()}"
        except (KeyError, OSError):
            who = ""
        return None, f"command line: flask {context.info_name}{who}"
    return None, "system"


# ----- from row changes to events ---------------------------------------------------------------


def build_events(session: Session, changes: list[RowChange]) -> list[dict[str, Any]]:
    """The audit events of one flush's row changes, alike ones merged when there are many."""
    words = RowDescriber(session)
    new_rotas = {
        c.target.id: c.target for c in changes if c.op == "created" and isinstance(c.target, Rota)
    }
    gone_rotas = {c.target.id for c in changes if c.op == "deleted" and isinstance(c.target, Rota)}
    counts: Counter[int] = Counter()
    events: list[dict[str, Any]] = []
    for change in changes:
        target = change.target
        if isinstance(target, RotaAssignment) and (
            target.rota_id in new_rotas or target.rota_id in gone_rotas
        ):
            counts[target.rota_id] += 1  # the rota's own event counts them
            continue
        if isinstance(target, StaffCompetency) and change.new("signed_off_at") is not None:
            continue  # a sign-off is raising the level: the sign-off's own event says it
        events.extend(_events_of(words, change))
    for row in events:
        if row["object_type"] != "rota" or row["action"] not in ("created", "deleted"):
            continue
        row["details"]["assignments"] = counts[row["object_id"]]
        row["summary"] = row["summary"].replace("{n}", _count(counts[row["object_id"]]))
        built = new_rotas.get(row["object_id"])
        requester = words.solve_requester(built) if built is not None else None
        if requester is not None:
            row["actor"] = requester
    return merge_bulk(events)


def _count(n: int) -> str:
    """'1 assignment' or 'N assignments'."""
    return f"{n} assignment" + ("" if n == 1 else "s")


def merge_bulk(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Many alike events (same action, type and site) as one event that lists their summaries."""
    groups: defaultdict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for row in events:
        groups[(row["action"], row["object_type"], row["site_id"])].append(row)
    out = []
    for (action, object_type, site_id), rows in groups.items():
        if len(rows) <= BULK:
            out.extend(rows)
            continue
        label = OBJECT_LABELS[object_type].lower()
        out.append(
            {
                "action": action,
                "object_type": object_type,
                "object_id": None,
                "site_id": site_id,
                "summary": f"{ACTIONS[action]} {len(rows)} rows of {label} at once.",
                "details": {
                    "items": [r["summary"] for r in rows[:BULK_LISTED]],
                    "count": len(rows),
                },
            }
        )
    return out


def _event(
    change: RowChange, action: str, summary: str, site_id: int | None, details: dict[str, Any]
) -> dict[str, Any]:
    """One event's columns (the actor and time are added when it is written)."""
    return {
        "action": action,
        "object_type": AUDITED[type(change.target)],
        "object_id": getattr(change.target, "id", None),
        "site_id": site_id,
        "summary": summary,
        "details": details,
    }


def _details(words: RowDescriber, change: RowChange) -> dict[str, Any]:
    """The changed fields, old -> new, and the collections' added and removed entries."""
    model = type(change.target)
    changes = {}
    for key, values in change.columns.items():
        changes[key] = {k: words.value(model, key, v) for k, v in values.items()}
    out: dict[str, Any] = {"changes": changes} if changes else {}
    collections = {
        key: {"added": [words.item(x) for x in added], "removed": [words.item(x) for x in gone]}
        for key, (added, gone) in change.collections.items()
    }
    if collections:
        out["collections"] = collections
    return out


def _events_of(words: RowDescriber, change: RowChange) -> list[dict[str, Any]]:
    """The events of one row change: usually one; a rota or account change may say more."""
    target = change.target
    label = words.label(target)
    site_id = words.site_id(target)
    details = _details(words, change)
    if change.op == "created":
        if isinstance(target, SignOff):
            return [_event(change, "signed off", words.sign_off(target), site_id, details)]
        if isinstance(target, AccountLink):
            return _link_events(words, change, site_id)
        if isinstance(target, Rota):
            kept = {
                k: v for k, v in details.get("changes", {}).items() if k not in ROTA_QUIET_FIELDS
            }
            return [_event(change, "created", words.new_rota(target), site_id, {"changes": kept})]
        return [_event(change, "created", f"Created {label}.", site_id, details)]
    if change.op == "deleted":
        return [_event(change, "deleted", f"Deleted {label}.", site_id, details)]
    if isinstance(target, Rota):
        return _rota_events(words, change, label, site_id, details)
    if isinstance(target, User):
        return _account_events(words, change, label, site_id, details)
    if isinstance(target, AccountLink):
        return _link_events(words, change, site_id)
    if isinstance(target, Site) and PRIORITY_FIELDS & set(details.get("changes", {})):
        return _priority_events(change, label, site_id, details)
    if isinstance(target, Leave) and change.new("approved") is True:
        return [_event(change, "approved", f"Approved {label}.", site_id, details)]
    out, details = _archive_events(change, label, site_id, details)
    if not details.get("changes") and not details.get("collections"):
        return out
    return out + [
        _event(change, "changed", f"Changed {label}: {words.fields(details)}.", site_id, details)
    ]


def _archive_events(
    change: RowChange, label: str, site_id: int | None, details: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """An archive or restore said as such, and the details of the change's other fields."""
    key = ARCHIVE_FIELDS.get(type(change.target))
    changes = details.get("changes", {})
    if key is None or key not in changes:
        return [], details
    new = changes[key].get("to")
    archived = new is False if key == "active" else new is not None
    summary = f"Archived {label}." if archived else f"Restored {label}."
    event = _event(
        change,
        "archived" if archived else "restored",
        summary,
        site_id,
        {"changes": {key: changes[key]}},
    )
    rest = {**details, "changes": {k: v for k, v in changes.items() if k != key}}
    if not rest["changes"]:
        del rest["changes"]
    return [event], rest


def _rota_events(
    words: RowDescriber, change: RowChange, label: str, site_id: int | None, details: dict[str, Any]
) -> list[dict[str, Any]]:
    """A rota's approval steps, publication, override and other changes, each its own event."""
    out = []
    changes = details.get("changes", {})
    consumed: set[str] = set()
    if (
        change.old("submitted_at") is None
        and change.new("submitted_at") is not None
        and change.new("approved_at") is None
    ):
        out.append(
            _event(
                change,
                "submitted",
                f"Sent {label} to the pharmacist-in-charge for approval.",
                site_id,
                {},
            )
        )
        consumed |= {"submitted_at"}
    if change.old("approved_at") is None and change.new("approved_at") is not None:
        out.append(_event(change, "approved", f"Approved {label}.", site_id, {}))
        consumed |= {"submitted_at", "approved_at", "approved_by_id"}
    if change.new("status") == RotaStatus.PUBLISHED:
        out.append(
            _event(
                change,
                "published",
                f"Published {label}.",
                site_id,
                {"changes": {"status": changes["status"]}},
            )
        )
        consumed |= {"status", "published_at", "published_by_id"}
    if change.overrode:
        broken = list(change.target.violations or [])
        first = broken[0] if broken else ""
        more = f" (and {len(broken) - 1} more)" if len(broken) > 1 else ""
        out.append(
            _event(
                change,
                "overrode",
                f"Saved a change to {label} although it breaks hard rules: {first}{more}",
                site_id,
                {"hard_rules_broken": broken},
            )
        )
    rest = {k: v for k, v in changes.items() if k not in consumed | ROTA_QUIET_FIELDS}
    if rest:
        remaining = {"changes": rest}
        cleared = "approved_at" in rest and rest["approved_at"].get("to") is None
        what = "approval cleared by a change" if cleared else words.fields(remaining)
        out.append(_event(change, "changed", f"Changed {label}: {what}.", site_id, remaining))
    return out


def _priority_events(
    change: RowChange, label: str, site_id: int | None, details: dict[str, Any]
) -> list[dict[str, Any]]:
    """A site's new priorities or fairness window in words, and its other changes apart."""
    changes = dict(details["changes"])
    mine = {key: changes.pop(key) for key in PRIORITY_FIELDS if key in changes}
    rules = []
    if "priorities" in mine:
        rules = settings_changes(change.old("priorities"), change.new("priorities"))
    window = []
    if "fairness_weeks" in mine:
        window = [window_change(change.old("fairness_weeks"), change.new("fairness_weeks"))]
    said = "; ".join(rules + window) or "no rule moved"
    kept = {"items": rules, "changes": {k: v for k, v in mine.items() if k != "priorities"}}
    if "priorities" in mine:
        kept["priorities"] = mine["priorities"]
    out = [_event(change, "changed", f"Changed the priorities of {label}: {said}.", site_id, kept)]
    rest = {**details, "changes": changes}
    if changes or details.get("collections"):
        out.append(
            _event(
                change, "changed", f"Changed {label}: {RowDescriber.fields(rest)}.", site_id, rest
            )
        )
    return out


def _account_events(
    words: RowDescriber, change: RowChange, label: str, site_id: int | None, details: dict[str, Any]
) -> list[dict[str, Any]]:
    """An account's password change, role change and other changes, each its own event."""
    out = []
    changes = dict(details.get("changes", {}))
    if changes.pop("password_hash", None) is not None:
        out.append(
            _event(change, "password changed", f"Changed the password of {label}.", site_id, {})
        )
    active = changes.pop("active", None)
    if active is not None and active.get("to") is False:
        said = f"Deactivated {label}: it can no longer sign in, and its open links stopped."
        out.append(_event(change, "deactivated", said, site_id, {"changes": {"active": active}}))
    elif active is not None and "password_hash" in details.get("changes", {}):
        said = f"Activated {label}: its password was set through its link."
        out.append(_event(change, "changed", said, site_id, {"changes": {"active": active}}))
    elif active is not None:
        said = f"Reactivated {label}: it can sign in again."
        out.append(_event(change, "reactivated", said, site_id, {"changes": {"active": active}}))
    role = changes.pop("role", None)
    if role is not None:
        out.append(
            _event(
                change,
                "role changed",
                f"Changed the role of {label} from {role.get('from', '?')} to {role['to']}.",
                site_id,
                {"changes": {"role": role}},
            )
        )
    if changes:
        rest = {"changes": changes}
        out.append(
            _event(change, "changed", f"Changed {label}: {words.fields(rest)}.", site_id, rest)
        )
    return out


def _link_events(
    words: RowDescriber, change: RowChange, site_id: int | None
) -> list[dict[str, Any]]:
    """An invitation or reset link issued, used or closed, in words (never its secret)."""
    link: AccountLink = change.target
    what = link.purpose.label
    user = words.get(User, link.user_id)
    account = f"the account {user.email}" if user is not None else f"account #{link.user_id}"
    until = link.expires_at
    if isinstance(until, datetime):
        until = until.replace(tzinfo=until.tzinfo or UTC)
        until = f"{day_words(until.date())} {until:%H:%M} UTC"
    details = {"purpose": link.purpose, "expires_at": json_value(link.expires_at)}
    if change.op == "created":
        said = f"Issued a one-time {what} link for {account}, valid until {until}"
        said += "; its older links no longer work." if link.purpose == "reset" else "."
        return [_event(change, "link issued", said, site_id, details)]
    if change.op == "changed" and change.new("used_at") is not None:
        said = f"Used the {what} link of {account} to set its password."
        return [_event(change, "changed", said, site_id, details)]
    if change.op == "changed" and "expires_at" in change.columns:
        said = f"Closed the open {what} link of {account}."
        return [_event(change, "changed", said, site_id, details)]
    return []
