"""A solve run keeps one score, one bound and one time: ``objective`` folds into
``best_objective``, ``bound`` into ``best_bound`` and ``seconds`` into ``elapsed``.

The pairs said the same thing twice: the progress columns hold the best so far while a
solve runs, and the final values were written to both once it ended. The upgrade keeps
the final value where a run has one; the downgrade writes it back to the old columns for
the runs that ended with it.

Revision ID: e6f7a8b9c0d1
Revises: d5e6f7a8b9c0
Create Date: 2026-12-07 01:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e6f7a8b9c0d1"
down_revision = "d5e6f7a8b9c0"
branch_labels = None
depends_on = None

solve_runs = sa.table(
    "solve_runs",
    sa.column("status", sa.String()),
    sa.column("rota_id", sa.Integer()),
    sa.column("best_objective", sa.Double()),
    sa.column("best_bound", sa.Double()),
    sa.column("elapsed", sa.Double()),
    sa.column("objective", sa.Integer()),
    sa.column("bound", sa.Double()),
    sa.column("seconds", sa.Double()),
)
# the statuses of runs that ended with a rota (and so with a final score and time)
ENDED_WITH_A_ROTA = ("done", "stopped")


def upgrade() -> None:
    """Copy each run's final score, bound and time over its progress values, then drop the
    copies."""
    op.execute(
        solve_runs.update()
        .where(solve_runs.c.objective.is_not(None))
        .values(best_objective=solve_runs.c.objective)
    )
    op.execute(
        solve_runs.update()
        .where(solve_runs.c.bound.is_not(None))
        .values(best_bound=solve_runs.c.bound)
    )
    op.execute(
        solve_runs.update()
        .where(solve_runs.c.seconds.is_not(None))
        .values(elapsed=solve_runs.c.seconds)
    )
    with op.batch_alter_table("solve_runs") as batch:
        batch.drop_column("seconds")
        batch.drop_column("bound")
        batch.drop_column("objective")


def downgrade() -> None:
    """Bring back ``objective``, ``bound`` and ``seconds``, filled for the runs that ended
    with a rota."""
    with op.batch_alter_table("solve_runs") as batch:
        batch.add_column(sa.Column("objective", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("bound", sa.Double(), nullable=True))
        batch.add_column(sa.Column("seconds", sa.Double(), nullable=True))
    op.execute(
        solve_runs.update()
        .where(
            solve_runs.c.status.in_(ENDED_WITH_A_ROTA),
            solve_runs.c.rota_id.is_not(None),
            solve_runs.c.best_objective.is_not(None),
        )
        .values(
            objective=sa.cast(sa.func.round(solve_runs.c.best_objective), sa.Integer()),
            bound=solve_runs.c.best_bound,
            seconds=solve_runs.c.elapsed,
        )
    )
