"""Re-planning keeps the past: a sick call's first day, seen changes, changes as level 2.

Adds the day before which a re-plan keeps the rota as it was (``solve_runs.keep_before``)
and when a person last saw the changes to their published shifts
(``staff.shifts_seen_at``). Fewest changes to the published rota now rank right below
minimum cover: level 2 is "changes", contracts move to level 3 and the two levels a site
ranks become 4 and 5. Stored levels are renumbered to match: a site's and a rota's
priorities, each stored cost's level, a rota's per-level bounds and a solve run's per-level
progress (an old stability cost moves to level 2; its bound there is unknown).

Revision ID: b3d4e5f6a7c8
Revises: 7c1e5a9d2f10
Create Date: 2026-12-06 19:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b3d4e5f6a7c8"
down_revision = "7c1e5a9d2f10"
branch_labels = None
depends_on = None

OLD_COUNT = 4  # levels before: cover, contracts, ranked 3 and 4


def _settings(value: dict | None, shift: int) -> dict | None:
    """A priorities setting with its ranked levels moved by ``shift``."""
    if not value or not value.get("levels"):
        return value
    levels = {
        rule: int(level) + shift
        for rule, level in value["levels"].items()
        if rule != "stability"  # stability is no longer ranked by a site
    }
    return {**value, "levels": levels}


def _costs(costs: list | None, up: bool) -> list | None:
    """Stored costs with each level renumbered."""
    if not costs:
        return costs
    out = []
    for cost in costs:
        level = cost.get("level")
        if isinstance(level, int):
            if up:
                level = 2 if cost.get("rule") == "stability" else (level + 1 if level >= 2 else 1)
            else:
                level = 3 if cost.get("rule") == "stability" else (level - 1 if level >= 3 else 1)
            cost = {**cost, "level": level}
        out.append(cost)
    return out


def _per_level(values: list | None, up: bool, filler) -> list | None:
    """Per-level figures with a level-2 slot inserted (or removed)."""
    if not values:
        return values
    if up and len(values) == OLD_COUNT:
        return [values[0], filler, *values[1:]]
    if not up and len(values) == OLD_COUNT + 1:
        return [values[0], *values[2:]]
    return values


def _renumber(up: bool) -> None:
    bind = op.get_bind()
    shift = 1 if up else -1
    sites = sa.table("sites", sa.column("id"), sa.column("priorities", sa.JSON()))
    for row in bind.execute(sa.select(sites.c.id, sites.c.priorities)).all():
        new = _settings(row.priorities, shift)
        if new != row.priorities:
            bind.execute(sites.update().where(sites.c.id == row.id).values(priorities=new))
    rotas = sa.table(
        "rotas",
        sa.column("id"),
        sa.column("priorities", sa.JSON()),
        sa.column("costs", sa.JSON()),
        sa.column("level_bounds", sa.JSON()),
    )
    for row in bind.execute(
        sa.select(rotas.c.id, rotas.c.priorities, rotas.c.costs, rotas.c.level_bounds)
    ).all():
        values = {
            "priorities": _settings(row.priorities, shift),
            "costs": _costs(row.costs, up),
            "level_bounds": _per_level(row.level_bounds, up, None),
        }
        bind.execute(rotas.update().where(rotas.c.id == row.id).values(**values))
    runs = sa.table(
        "solve_runs",
        sa.column("id"),
        sa.column("best_levels", sa.JSON()),
        sa.column("best_level_bounds", sa.JSON()),
    )
    for row in bind.execute(
        sa.select(runs.c.id, runs.c.best_levels, runs.c.best_level_bounds)
    ).all():
        bind.execute(
            runs.update()
            .where(runs.c.id == row.id)
            .values(
                best_levels=_per_level(row.best_levels, up, 0),
                best_level_bounds=_per_level(row.best_level_bounds, up, None),
            )
        )


def upgrade() -> None:
    """Add the columns, then renumber the stored levels."""
    with op.batch_alter_table("solve_runs") as batch:
        batch.add_column(sa.Column("keep_before", sa.Date(), nullable=True))
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("shifts_seen_at", sa.DateTime(), nullable=True))
    _renumber(up=True)


def downgrade() -> None:
    """Renumber the stored levels back, then drop the columns."""
    _renumber(up=False)
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("shifts_seen_at")
    with op.batch_alter_table("solve_runs") as batch:
        batch.drop_column("keep_before")
