"""Priority levels: each site's ranking of the soft rules, required duties, scores per level.

Adds the site's priorities (JSON, None = defaults) and its fairness window in weeks, a
duty's "required" flag, the priorities and per-level bounds a rota was made under, and a
solve run's per-level progress.

Revision ID: 7c1e5a9d2f10
Revises: 4bf14664d2b7
Create Date: 2026-12-06 16:20:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1e5a9d2f10"
down_revision = "4bf14664d2b7"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the priority and per-level columns."""
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("priorities", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column("fairness_weeks", sa.Integer(), server_default="8", nullable=False)
        )
    with op.batch_alter_table("duties") as batch:
        batch.add_column(
            sa.Column("required", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("rotas") as batch:
        batch.add_column(sa.Column("level_bounds", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("priorities", sa.JSON(), nullable=True))
    with op.batch_alter_table("solve_runs") as batch:
        batch.add_column(sa.Column("best_levels", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("best_level_bounds", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Drop the priority and per-level columns."""
    with op.batch_alter_table("solve_runs") as batch:
        batch.drop_column("best_level_bounds")
        batch.drop_column("best_levels")
    with op.batch_alter_table("rotas") as batch:
        batch.drop_column("priorities")
        batch.drop_column("level_bounds")
    with op.batch_alter_table("duties") as batch:
        batch.drop_column("required")
    with op.batch_alter_table("sites") as batch:
        batch.drop_column("fairness_weeks")
        batch.drop_column("priorities")
