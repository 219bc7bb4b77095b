"""Production: audit log, rota edit lock, solve runs' heartbeat, stop flag, one active run.

The audit log's append-only triggers are written out here as they were at this revision (a
migration never imports the models, which move on); ``tests/web/test_migrations.py`` checks
the migrations build the same triggers as the models.
Runs left queued or running by an older release are failed first: the new unique index allows
one active run per site and week, and no such run can still be alive across an upgrade.

Revision ID: 4bf14664d2b7
Revises: 498550543ba6
Create Date: 2026-11-25 14:40:51.986098
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "4bf14664d2b7"
down_revision = "498550543ba6"
branch_labels = None
depends_on = None

APPEND_ONLY_MESSAGE = "audit_events is append-only: its rows cannot be changed or deleted"

# the statements that make audit_events refuse UPDATE and DELETE, by dialect name
APPEND_ONLY_SQL = {
    "sqlite": [
        f"""CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
        f"""CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END""",
    ],
    "postgresql": [
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
    ],
}

# the statements that remove those triggers again, by dialect name
DROP_APPEND_ONLY_SQL = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_events_no_update",
        "DROP TRIGGER IF EXISTS audit_events_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
        "DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events",
        "DROP FUNCTION IF EXISTS audit_events_append_only()",
    ],
}


def upgrade() -> None:
    """Add the audit log with its triggers, the rota lock columns and the solve-run columns."""
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("object_type", sa.String(), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_actor_user_id"), ["actor_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_site_id"), ["site_id"], unique=False)
    for statement in APPEND_ONLY_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)

    with op.batch_alter_table("rotas", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lock_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("changed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_rotas_changed_by_id_users"),
            "users",
            ["changed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.execute(
        "UPDATE solve_runs SET status = 'failed', "
        "message = 'Interrupted by an upgrade of the app; start it again.' "
        "WHERE status IN ('queued', 'running')"
    )
    with op.batch_alter_table("solve_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("worker", sa.String(), nullable=True))
        batch_op.add_column(
            sa.Column("stop_requested", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("inputs_digest", sa.String(), nullable=True))
        batch_op.add_column(
            sa.Column("inputs_changed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            "uq_solve_runs_active_week",
            ["site_id", "week_start"],
            unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        )


def downgrade() -> None:
    """Remove what :func:`upgrade` added (the audit log's events are lost)."""
    with op.batch_alter_table("solve_runs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_solve_runs_active_week",
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        )
        batch_op.drop_column("inputs_changed")
        batch_op.drop_column("inputs_digest")
        batch_op.drop_column("stop_requested")
        batch_op.drop_column("worker")
        batch_op.drop_column("heartbeat_at")

    with op.batch_alter_table("rotas", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_rotas_changed_by_id_users"), type_="foreignkey")
        batch_op.drop_column("changed_by_id")
        batch_op.drop_column("changed_at")
        batch_op.drop_column("lock_version")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_site_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    for statement in DROP_APPEND_ONLY_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    op.drop_table("audit_events")
