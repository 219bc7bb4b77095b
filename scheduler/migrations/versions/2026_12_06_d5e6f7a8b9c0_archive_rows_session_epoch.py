"""Archiving set-up rows, and ending other sessions when a password changes.

Stations, shift types, duties and competencies get ``archived_at``: an archived row is
kept for history (past rotas name it) and gone from lists, pickers and new rotas.
Accounts get ``session_epoch``, raised on a password change so that sessions signed in
before it end.

Revision ID: d5e6f7a8b9c0
Revises: c4d5e6f7a8b9
Create Date: 2026-12-06 22:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d5e6f7a8b9c0"
down_revision = "c4d5e6f7a8b9"
branch_labels = None
depends_on = None

ARCHIVABLE = ("stations", "shift_types", "duties", "competencies")


def upgrade() -> None:
    """Add ``archived_at`` to the set-up tables and ``session_epoch`` to the accounts."""
    for table in ARCHIVABLE:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_epoch", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    """Drop the accounts' session epoch and the set-up tables' ``archived_at``."""
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_epoch")
    for table in reversed(ARCHIVABLE):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("archived_at")
