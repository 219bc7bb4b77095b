"""The migrations: they build the models' schema, keep the data they upgrade, and undo cleanly.

Each test runs on a new empty database of the suite's kind (SQLite, or PostgreSQL on a
PostgreSQL run) and drives Alembic through Flask-Migrate, as ``flask db upgrade`` does.
"""

from __future__ import annotations

import ast
import pprint
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app

import scheduler
from scheduler import create_app
from scheduler.extensions import db
from scheduler.models import (
    CalendarFeed,
    CEEntry,
    Certification,
    Competency,
    CoverRequirement,
    DevelopmentGoal,
    Duty,
    Leave,
    OpeningHours,
    RatioRuleSet,
    Rota,
    RotaAssignment,
    RotaPolicy,
    ShiftRequest,
    ShiftType,
    SignOff,
    Site,
    SiteGroup,
    SolveRun,
    Staff,
    StaffCompetency,
    StaffRole,
    Station,
    User,
    VolunteerOffer,
)


@pytest.fixture
def empty_app(fresh_database_url) -> Iterator[Flask]:
    """An app on a new database without a single table, its context pushed."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": fresh_database_url("migrations"),
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def revisions() -> ScriptDirectory:
    """The app's migration scripts."""
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def current_revision() -> str | None:
    """The revision the database is stamped with (None before any migration)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_differences() -> list[Any]:
    """What autogenerate would change to make the database match the models (empty: same)."""
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def table_names() -> set[str]:
    """The tables in the database."""
    return set(sa.inspect(db.engine).get_table_names())


def triggers(engine: sa.Engine) -> set[tuple[str, str]]:
    """The (table, trigger) pairs a database holds; autogenerate does not compare these."""
    if engine.dialect.name == "sqlite":
        query = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = (
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
        )
    with engine.connect() as connection:
        return {(table, name) for table, name in connection.execute(sa.text(query))}


# ----- (a) the migrations build what the models describe -------------------------------------


def test_upgrading_an_empty_database_gives_the_models_schema(empty_app):
    flask_migrate.upgrade(revision="head")
    assert current_revision() == revisions().get_current_head()
    differences = schema_differences()
    assert differences == [], (
        "the migrations and the models disagree; add a revision "
        "(flask --app scheduler db migrate) and review it:\n" + pprint.pformat(differences)
    )


def test_the_migrations_make_the_triggers_create_all_makes(empty_app, fresh_database_url):
    flask_migrate.upgrade(revision="head")
    migrated = triggers(db.engine)
    models = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": fresh_database_url()}
    )
    with models.app_context():
        db.create_all()
        made = triggers(db.engine)
        db.engine.dispose()
    assert migrated == made, "a revision must create the triggers the models' tables carry"


def test_the_migrations_form_one_line_from_the_baseline(empty_app):
    script = revisions()
    assert len(script.get_bases()) == 1
    assert len(script.get_heads()) == 1, "two heads: merge them (flask db merge heads)"


def _imported_modules(source: str) -> list[str]:
    """The modules a Python source imports, relative ones with their leading dots."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


def test_no_migration_imports_the_app_code():
    """A revision must run the same years later: it writes out what it needs, never imports it."""
    versions = Path(scheduler.__file__).parent / "migrations" / "versions"
    files = sorted(versions.glob("*.py"))
    assert files
    offending = {
        path.name: name
        for path in files
        for name in _imported_modules(path.read_text(encoding="utf-8"))
        if name.startswith(".") or name.split(".")[0] == "scheduler"
    }
    assert offending == {}, "a migration imports the app's code: " + pprint.pformat(offending)


# ----- (b) upgrading keeps every row -----------------------------------------------------------

NOW = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
MONDAY = date(2026, 3, 2)


def _sql_type(value: Any) -> sa.types.TypeEngine | None:
    """The column type that stores a Python value as the baseline schema does."""
    if isinstance(value, bool):
        return sa.Boolean()
    if isinstance(value, datetime):
        return sa.DateTime()
    if isinstance(value, date):
        return sa.Date()
    if isinstance(value, time):
        return sa.Time()
    if isinstance(value, list | dict):
        return sa.JSON()
    return None


def _stored(value: Any) -> Any:
    """A value as the baseline stores it: timestamps as naive UTC."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


class BaselineRows:
    """Writes rows with plain SQL into the baseline schema and remembers what it wrote."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.written: list[tuple[type, int, dict[str, Any]]] = []

    def add(
        self,
        table: str,
        model: type | None = None,
        baseline_only: dict[str, Any] | None = None,
        **values: Any,
    ) -> int | None:
        """Insert one row; for a table with an id, return the id and expect it back later.

        ``baseline_only`` are columns a later migration folds into others: written, but not
        read back from the model.
        """
        everything = {**values, **(baseline_only or {})}
        columns = [sa.column(name, _sql_type(value)) for name, value in everything.items()]
        if model is not None:
            columns.append(sa.column("id", sa.Integer()))
        target = sa.table(table, *columns)
        statement = sa.insert(target).values(
            {name: _stored(value) for name, value in everything.items()}
        )
        if model is None:
            self.connection.execute(statement)
            return None
        row_id = self.connection.execute(statement.returning(target.c.id)).scalar_one()
        self.written.append((model, row_id, values))
        return row_id


def write_a_small_pharmacy(rows: BaselineRows) -> dict[str, int]:
    """A site with its rules, three people, skills, wishes, a published rota and accounts."""
    ids: dict[str, int] = {}
    ids["group"] = rows.add("site_groups", SiteGroup, name="Riverside Health")
    ids["rule"] = rows.add(
        "ratio_rule_sets",
        RatioRuleSet,
        jurisdiction="Illinois",
        setting="hospital",
        techs_per_pharmacist=4,
        offset=0,
        certified_extra=1,
        trainees_count=False,
        formula="1:4, one more when certified",
        source="68 Ill. Adm. Code 1330.710",
        effective_date=date(2024, 1, 1),
    )
    ids["site"] = rows.add(
        "sites",
        Site,
        name="Riverside Hospital",
        kind="hospital",
        timezone="America/Chicago",
        open_24_7=True,
        group_id=ids["group"],
        ratio_rule_id=ids["rule"],
    )
    rows.add(
        "opening_hours",
        OpeningHours,
        site_id=ids["site"],
        weekday=6,
        opens=time(9, 0),
        closes=time(17, 30),
    )
    rows.add("rota_policies", RotaPolicy, site_id=ids["site"], requires_approval=True)
    ids["cf"] = rows.add(
        "competencies",
        Competency,
        name="Central fill",
        code="CF",
        requalify_days=None,
        prerequisite_id=None,
    )
    ids["iv"] = rows.add(
        "competencies",
        Competency,
        name="Sterile compounding (IV room)",
        code="IV",
        requalify_days=365,
        prerequisite_id=ids["cf"],
    )
    ids["day"] = rows.add(
        "shift_types",
        ShiftType,
        site_id=ids["site"],
        code="D",
        name="Day",
        start=time(7, 0),
        end=time(15, 0),
        night=False,
        weekdays="0123456",
        max_per_week=None,
    )
    ids["night"] = rows.add(
        "shift_types",
        ShiftType,
        site_id=ids["site"],
        code="N",
        name="Night",
        start=time(23, 0),
        end=time(7, 0),
        night=True,
        weekdays="01234",
        max_per_week=3,
    )
    rows.add("shift_type_forbidden_next", shift_type_id=ids["night"], next_shift_type_id=ids["day"])
    ids["fill"] = rows.add("stations", Station, site_id=ids["site"], name="Central fill")
    ids["ivroom"] = rows.add("stations", Station, site_id=ids["site"], name="IV room")
    rows.add("station_competencies", station_id=ids["fill"], competency_id=ids["cf"])
    rows.add("station_competencies", station_id=ids["ivroom"], competency_id=ids["iv"])
    rows.add(
        "cover_requirements",
        CoverRequirement,
        station_id=ids["ivroom"],
        shift_type_id=ids["day"],
        weekday=0,
        on_date=None,
        minimum=1,
        ideal=2,
    )
    rows.add(
        "cover_requirements",
        CoverRequirement,
        station_id=ids["fill"],
        shift_type_id=ids["night"],
        weekday=None,
        on_date=date(2026, 3, 4),
        minimum=0,
        ideal=1,
    )
    contract = {
        "active": True,
        "max_consecutive_days": 5,
        "min_consecutive_days": 1,
        "min_consecutive_days_off": 1,
        "max_weekends_per_4_weeks": 2,
        "min_rest_minutes": 600,
        "max_trainees": 1,
    }
    ids["pat"] = rows.add(
        "staff",
        Staff,
        name="Pat Reyes",
        role="pharmacist",
        certified=False,
        home_site_id=ids["site"],
        min_minutes_per_week=0,
        max_minutes_per_week=None,
        **contract,
    )
    ids["zoe"] = rows.add(
        "staff",
        Staff,
        name="Zoë Okafor",
        role="technician",
        certified=True,
        home_site_id=ids["site"],
        min_minutes_per_week=1920,
        max_minutes_per_week=2400,
        **contract,
    )
    ids["jonah"] = rows.add(
        "staff",
        Staff,
        name="Jonah Singh",
        role="trainee",
        certified=False,
        home_site_id=ids["site"],
        min_minutes_per_week=960,
        max_minutes_per_week=1440,
        **{**contract, "max_trainees": 0},
    )
    rows.add(
        "staff_competencies",
        StaffCompetency,
        staff_id=ids["zoe"],
        competency_id=ids["iv"],
        level="trainer",
        valid_until=date(2027, 1, 31),
        signed_off_by_id=ids["pat"],
        signed_off_at=NOW,
    )
    rows.add(
        "staff_competencies",
        StaffCompetency,
        staff_id=ids["jonah"],
        competency_id=ids["iv"],
        level="supervised",
        valid_until=None,
        signed_off_by_id=None,
        signed_off_at=None,
    )
    rows.add(
        "development_goals",
        DevelopmentGoal,
        staff_id=ids["jonah"],
        competency_id=ids["iv"],
        target_level="independent",
        shifts_needed=6,
        deadline=date(2026, 6, 30),
        priority=1,
        status="active",
    )
    rows.add(
        "leave",
        Leave,
        staff_id=ids["zoe"],
        start_date=date(2026, 3, 5),
        end_date=date(2026, 3, 6),
        kind="annual",
        approved=True,
        shift_type_id=None,
        note="Family visit",
    )
    rows.add(
        "shift_requests",
        ShiftRequest,
        staff_id=ids["jonah"],
        on_date=date(2026, 3, 3),
        shift_type_id=ids["night"],
        want=False,
        weight=10,
    )
    rows.add(
        "certifications",
        Certification,
        staff_id=ids["zoe"],
        name="CPhT",
        number="PTCB-0042",
        issued=date(2024, 5, 1),
        expires=date(2026, 4, 30),
    )
    rows.add(
        "ce_entries",
        CEEntry,
        staff_id=ids["zoe"],
        on_date=date(2026, 2, 10),
        hours=1.5,
        topic="Pharmacy law update",
        category="law",
    )
    ids["restock"] = rows.add(
        "duties",
        Duty,
        site_id=ids["site"],
        name="Cabinet restock",
        kind="cabinet_restock",
        minutes=60,
        weekdays="024",
        competency_id=ids["cf"],
        min_level="independent",
        per_week=3,
        per_day=1,
        weight=100,
    )
    rows.add("duty_shift_types", duty_id=ids["restock"], shift_type_id=ids["day"])
    rows.add("duty_people", duty_id=ids["restock"], staff_id=ids["pat"])
    rows.add(
        "volunteer_offers",
        VolunteerOffer,
        staff_id=ids["zoe"],
        week_start=MONDAY,
        kind="train",
        duty_id=None,
        station_id=ids["ivroom"],
        count=2,
        note="",
    )
    ids["super"] = rows.add(
        "users",
        User,
        email="super@example.org",
        name="Sam Super",
        password_hash="scrypt:32768:8:1$salt$hash",
        role="supervisor",
        staff_id=None,
        active=True,
        created_at=NOW,
    )
    ids["tech"] = rows.add(
        "users",
        User,
        email="jonah@example.org",
        name="Jonah Singh",
        password_hash="scrypt:32768:8:1$salt$other",
        role="technician",
        staff_id=ids["jonah"],
        active=True,
        created_at=NOW,
    )
    rows.add(
        "calendar_feeds",
        CalendarFeed,
        staff_id=ids["jonah"],
        token_hash="ab" * 32,
        created_at=NOW,
        last_used_at=None,
        revoked_at=None,
    )
    rows.add(
        "sign_offs",
        SignOff,
        staff_id=ids["jonah"],
        competency_id=ids["iv"],
        from_level="observe",
        to_level="supervised",
        valid_until=None,
        supervised_shifts=4,
        signed_by_staff_id=ids["zoe"],
        signed_by_user_id=None,
        signer_name="Zoë Okafor",
        signed_at=NOW,
        note="Aseptic technique observed",
    )
    ids["draft"] = rows.add(
        "rotas",
        Rota,
        site_id=ids["site"],
        week_start=MONDAY,
        status="draft",
        version=1,
        created_at=NOW,
        published_at=None,
        objective=1300,
        bound=1250.5,
        solve_status="feasible",
        costs=[{"family": "cover", "points": 1000, "text": "Tuesday day: IV room one short"}],
        reasons=None,
        notes="",
        based_on_id=None,
        violations=None,
        submitted_at=None,
        approved_at=None,
        approved_by_id=None,
        published_by_id=None,
    )
    ids["rota"] = rows.add(
        "rotas",
        Rota,
        site_id=ids["site"],
        week_start=MONDAY,
        status="published",
        version=2,
        created_at=NOW,
        published_at=NOW,
        objective=1295,
        bound=1295.0,
        solve_status="optimal",
        costs=[],
        reasons=["Pat's contract: at most 5 days in a row"],
        notes="Re-planned after a sick call",
        based_on_id=ids["draft"],
        violations=["Zoë: 9 h rest after the night"],
        submitted_at=NOW,
        approved_at=NOW,
        approved_by_id=ids["super"],
        published_by_id=ids["super"],
    )
    rows.add(
        "rota_assignments",
        RotaAssignment,
        rota_id=ids["rota"],
        staff_id=ids["zoe"],
        on_date=MONDAY,
        shift_type_id=ids["day"],
        station_id=ids["ivroom"],
        duty_id=None,
        mode="works",
        trainer_id=None,
        pinned=False,
    )
    rows.add(
        "rota_assignments",
        RotaAssignment,
        rota_id=ids["rota"],
        staff_id=ids["jonah"],
        on_date=MONDAY,
        shift_type_id=ids["day"],
        station_id=ids["ivroom"],
        duty_id=None,
        mode="trainee",
        trainer_id=ids["zoe"],
        pinned=True,
    )
    rows.add(
        "rota_assignments",
        RotaAssignment,
        rota_id=ids["rota"],
        staff_id=ids["pat"],
        on_date=date(2026, 3, 4),
        shift_type_id=ids["day"],
        station_id=None,
        duty_id=ids["restock"],
        mode="works",
        trainer_id=None,
        pinned=False,
    )
    rows.add(
        "solve_runs",
        SolveRun,
        rota_id=ids["rota"],
        site_id=ids["site"],
        week_start=MONDAY,
        status="done",
        kind="replan",
        reference_rota_id=ids["draft"],
        requested_by_id=ids["super"],
        time_limit=20.0,
        best_objective=1295.0,
        best_bound=1295.0,
        elapsed=3.5,
        solutions=4,
        baseline_only={"objective": 1295, "bound": 1295.0, "seconds": 3.5},  # folded in later
        message="",
        created_at=NOW,
        started_at=NOW,
        finished_at=NOW,
    )
    return ids


def row_counts(tables: set[str]) -> dict[str, int]:
    """The number of rows in each table."""
    with db.engine.connect() as connection:
        return {
            name: connection.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
            for name in sorted(tables)
        }


def test_upgrading_a_database_with_data_loses_nothing(empty_app):
    first = revisions().get_base()
    flask_migrate.upgrade(revision=first)
    assert current_revision() == first
    baseline_tables = table_names() - {"alembic_version"}
    with db.engine.begin() as connection:
        rows = BaselineRows(connection)
        ids = write_a_small_pharmacy(rows)
    before = row_counts(baseline_tables)
    assert all(before.values()), f"every table of the baseline holds a row: {before}"

    flask_migrate.upgrade(revision="head")

    assert current_revision() == revisions().get_current_head()
    assert row_counts(baseline_tables) == before
    for model, row_id, values in rows.written:
        found = db.session.get(model, row_id)
        assert found is not None, f"{model.__name__} {row_id} is gone"
        assert {name: getattr(found, name) for name in values} == values, model.__name__
    night, day = db.session.get(ShiftType, ids["night"]), db.session.get(ShiftType, ids["day"])
    assert night.forbidden_next == [day]
    assert [c.code for c in db.session.get(Station, ids["ivroom"]).competencies] == ["IV"]
    restock = db.session.get(Duty, ids["restock"])
    assert (restock.shift_types, [p.name for p in restock.people]) == ([day], ["Pat Reyes"])
    rota = db.session.get(Rota, ids["rota"])
    on_rota = {(a.staff.name, a.mode.value, a.trainer and a.trainer.name) for a in rota.assignments}
    assert on_rota == {
        ("Zoë Okafor", "works", None),
        ("Jonah Singh", "trainee", "Zoë Okafor"),
        ("Pat Reyes", "works", None),
    }
    assert (rota.based_on_id, rota.approved_by.email) == (ids["draft"], "super@example.org")
    # New rows still get fresh ids after the upgrade.
    newcomer = Staff(name="Ann Lee", role=StaffRole.TECHNICIAN, home_site_id=ids["site"])
    db.session.add(newcomer)
    db.session.commit()
    assert newcomer.id > ids["jonah"]


# ----- (c) downgrading -------------------------------------------------------------------------


def test_downgrading_to_base_and_upgrading_again_works(empty_app):
    flask_migrate.upgrade(revision="head")
    flask_migrate.downgrade(revision="base")
    assert current_revision() is None
    assert table_names() <= {"alembic_version"}
    flask_migrate.upgrade(revision="head")
    assert table_names() == set(db.metadata.tables) | {"alembic_version"}
    assert schema_differences() == []


# ----- init-db and seed-demo go through the migrations ------------------------------------------


def test_init_db_migrates_an_empty_database_to_the_latest_revision(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Initialised the database" in result.output
    assert current_revision() == revisions().get_current_head()
    assert schema_differences() == []
    again = empty_app.test_cli_runner().invoke(args=["init-db"])
    assert again.exit_code == 0, again.output
    assert current_revision() == revisions().get_current_head()


def test_init_db_adopts_tables_made_before_migrations_and_keeps_their_rows(empty_app):
    flask_migrate.upgrade(revision=revisions().get_base())
    with db.engine.begin() as connection:
        ids = write_a_small_pharmacy(BaselineRows(connection))
        connection.execute(sa.text("DROP TABLE alembic_version"))  # as create_all left it

    result = empty_app.test_cli_runner().invoke(args=["init-db"])

    assert result.exit_code == 0, result.output
    assert "predate migrations" in result.output
    assert current_revision() == revisions().get_current_head()
    assert db.session.get(Site, ids["site"]).name == "Riverside Hospital"
    assert db.session.get(Rota, ids["rota"]).notes == "Re-planned after a sick call"


def test_the_changes_level_renumbers_stored_levels_and_back(empty_app):
    before_changes = "7c1e5a9d2f10"
    flask_migrate.upgrade(revision=revisions().get_base())
    with db.engine.begin() as connection:
        ids = write_a_small_pharmacy(BaselineRows(connection))
    flask_migrate.upgrade(revision=before_changes)
    old_costs = [
        {"rule": "cover", "level": 1, "total": 1000},
        {"rule": "contract_hours", "level": 2, "total": 60},
        {"rule": "stability", "level": 3, "total": 50},
        {"rule": "wishes", "level": 4, "total": 5},
    ]
    old_priorities = {"levels": {"goals": 4, "wishes": 3, "stability": 4}, "strengths": {}}
    sites = sa.table("sites", sa.column("id"), sa.column("priorities", sa.JSON()))
    rotas = sa.table(
        "rotas",
        sa.column("id"),
        sa.column("costs", sa.JSON()),
        sa.column("level_bounds", sa.JSON()),
        sa.column("priorities", sa.JSON()),
    )
    with db.engine.begin() as connection:
        connection.execute(
            sites.update().where(sites.c.id == ids["site"]).values(priorities=old_priorities)
        )
        connection.execute(
            rotas.update()
            .where(rotas.c.id == ids["rota"])
            .values(costs=old_costs, level_bounds=[1000, 60, 40, 5], priorities=old_priorities)
        )

    flask_migrate.upgrade(revision="head")
    db.session.remove()
    with db.engine.connect() as connection:
        site = connection.execute(sa.select(sites).where(sites.c.id == ids["site"])).one()
        rota = connection.execute(sa.select(rotas).where(rotas.c.id == ids["rota"])).one()
    # Stability leaves the site's ranking; the ranked levels move from 3 and 4 to 4 and 5.
    assert site.priorities["levels"] == {"goals": 5, "wishes": 4}
    assert rota.priorities["levels"] == {"goals": 5, "wishes": 4}
    assert [(c["rule"], c["level"]) for c in rota.costs] == [
        ("cover", 1),
        ("contract_hours", 3),
        ("stability", 2),
        ("wishes", 5),
    ]
    assert rota.level_bounds == [1000, None, 60, 40, 5]  # no bound is known for the new level

    flask_migrate.downgrade(revision=before_changes)
    with db.engine.connect() as connection:
        rota = connection.execute(sa.select(rotas).where(rotas.c.id == ids["rota"])).one()
    assert [c["level"] for c in rota.costs] == [1, 2, 3, 4]
    assert rota.level_bounds == [1000, 60, 40, 5]


def test_a_solve_run_keeps_its_final_score_bound_and_time_in_one_column_each_and_back(
    empty_app,
):
    before_merge = "d5e6f7a8b9c0"
    flask_migrate.upgrade(revision=revisions().get_base())
    with db.engine.begin() as connection:
        ids = write_a_small_pharmacy(BaselineRows(connection))
    flask_migrate.upgrade(revision=before_merge)
    runs = sa.table(
        "solve_runs",
        sa.column("rota_id", sa.Integer()),
        sa.column("best_objective", sa.Double()),
        sa.column("best_bound", sa.Double()),
        sa.column("elapsed", sa.Double()),
        sa.column("objective", sa.Integer()),
        sa.column("bound", sa.Double()),
        sa.column("seconds", sa.Double()),
    )
    with db.engine.begin() as connection:  # the last progress lagged behind the final values
        connection.execute(
            runs.update()
            .where(runs.c.rota_id == ids["rota"])
            .values(
                best_objective=1400.0,
                best_bound=1100.0,
                elapsed=3.0,
                objective=1295,
                bound=1295.0,
                seconds=3.5,
            )
        )

    flask_migrate.upgrade(revision="head")
    db.session.remove()
    merged = sa.table(
        "solve_runs",
        sa.column("rota_id", sa.Integer()),
        sa.column("best_objective", sa.Double()),
        sa.column("best_bound", sa.Double()),
        sa.column("elapsed", sa.Double()),
    )
    with db.engine.connect() as connection:
        run = connection.execute(sa.select(merged).where(merged.c.rota_id == ids["rota"])).one()
    assert (run.best_objective, run.best_bound, run.elapsed) == (1295.0, 1295.0, 3.5)
    assert {"objective", "bound", "seconds"}.isdisjoint(
        c["name"] for c in sa.inspect(db.engine).get_columns("solve_runs")
    )

    flask_migrate.downgrade(revision=before_merge)
    with db.engine.connect() as connection:
        run = connection.execute(sa.select(runs).where(runs.c.rota_id == ids["rota"])).one()
    assert (run.objective, run.bound, run.seconds) == (1295, 1295.0, 3.5)
