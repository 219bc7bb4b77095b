"""Accounts in the app: one-time invitation and reset links, each account's home site.

Also a solve run's best rota so far (``solve_runs.best_rota``), so the week page shows
the rota while the solve runs.

Revision ID: c4d5e6f7a8b9
Revises: b3d4e5f6a7c8
Create Date: 2026-12-06 20:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d5e6f7a8b9"
down_revision = "b3d4e5f6a7c8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the account links table and the users' home site."""
    op.create_table(
        "account_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("purpose", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("home_site_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_users_home_site_id_sites", "sites", ["home_site_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("solve_runs") as batch:
        batch.add_column(sa.Column("best_rota", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the best rota so far, the users' home site and the account links."""
    with op.batch_alter_table("solve_runs") as batch:
        batch.drop_column("best_rota")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("fk_users_home_site_id_sites", type_="foreignkey")
        batch.drop_column("home_site_id")
    op.drop_table("account_links")
