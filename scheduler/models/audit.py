"""The audit log: who changed, published, signed off or overrode what, kept append-only.

Rows are written by :mod:`scheduler.services.audit.recording` as the session flushes, and
never changed or deleted afterwards. Two guards keep them so: ORM events refuse
to update or delete an :class:`AuditEvent` (and bulk UPDATE/DELETE statements on
it), and database triggers refuse UPDATE and DELETE on ``audit_events`` for any
client. ``db.create_all()`` creates the triggers from :func:`append_only_sql`; the table's
migration writes out the same statements (a test checks both make the same triggers).

The table has no foreign keys on purpose: an event outlives the account, site or
row it names (and a cascading ``SET NULL`` would be an UPDATE the triggers refuse).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from ..extensions import db
from .enums import utcnow

APPEND_ONLY_MESSAGE = "audit_events is append-only: its rows cannot be changed or deleted"


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit event."""

    def __init__(self) -> None:
        super().__init__(APPEND_ONLY_MESSAGE)


class AuditEvent(db.Model):
    """One recorded action: when, by whom, what was done to which row, and what changed."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # the account that acted (no foreign key: the event outlives the account) and its
    # name as it was then; "system" or the command line when no one was signed in
    actor_user_id: Mapped[int | None] = mapped_column(index=True)
    actor_name: Mapped[str]
    action: Mapped[str] = mapped_column(index=True)  # created, changed, published, ...
    object_type: Mapped[str]  # staff, leave, rota, assignment, ...
    object_id: Mapped[int | None]
    site_id: Mapped[int | None] = mapped_column(index=True)
    summary: Mapped[str] = mapped_column(Text)
    # {"changes": {field: {"from": old, "to": new}}, ...}; never a password hash
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.object_type} {self.object_id}>"


# ----- database triggers -------------------------------------------------------------

_SQLITE = [
    f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
    f"""CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
]
_POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
END
$$""",
    """CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
]


def append_only_sql(dialect: str) -> list[str]:
    """The statements that make ``audit_events`` refuse UPDATE and DELETE on a database.

    ``dialect`` is SQLAlchemy's dialect name (``sqlite`` or ``postgresql``);
    ``create_all`` runs them right after creating the table.
    """
    return {"sqlite": _SQLITE, "postgresql": _POSTGRESQL}.get(dialect, [])


for _dialect in ("sqlite", "postgresql"):
    for _statement in append_only_sql(_dialect):
        event.listen(
            AuditEvent.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect)
        )


# ----- ORM guards ----------------------------------------------------------------------


def _refuse(*_args: Any) -> None:
    """A mapper event that refuses any UPDATE or DELETE of an audit event."""
    raise AuditLogIsAppendOnly()


event.listen(AuditEvent, "before_update", _refuse)
event.listen(AuditEvent, "before_delete", _refuse)


@event.listens_for(Session, "before_flush")
def _refuse_changed_events(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse a flush that would change or delete an audit event, before any SQL runs."""
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditLogIsAppendOnly()
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj):
            raise AuditLogIsAppendOnly()


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state: ORMExecuteState) -> None:
    """Refuse ORM-enabled ``update(AuditEvent)`` and ``delete(AuditEvent)`` statements."""
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly()
