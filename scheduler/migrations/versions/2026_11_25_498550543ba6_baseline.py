"""Baseline: the schema as it stood before migrations (every table of the app's first release).

Reviewed by hand after autogenerate: constraint names follow the models' naming
convention (op.f marks them final), enums are VARCHAR(32) holding the value
(no database enum type, no CHECK), timestamps are naive UTC DATETIME, the rota's
score breakdown and reasons are JSON, and defaults live in the models (no
server defaults), as db.create_all() made them.

A database created with ``init-db`` before migrations existed holds exactly this
schema: ``flask --app scheduler init-db`` stamps it with this revision and then
upgrades it.

Revision ID: 498550543ba6
Revises:
Create Date: 2026-11-25 13:36:55.139788
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "498550543ba6"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table of the first release, parents before the tables that point at them."""
    op.create_table(
        "competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("requalify_days", sa.Integer(), nullable=True),
        sa.Column("prerequisite_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["prerequisite_id"],
            ["competencies.id"],
            name=op.f("fk_competencies_prerequisite_id_competencies"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competencies")),
        sa.UniqueConstraint("code", name=op.f("uq_competencies_code")),
        sa.UniqueConstraint("name", name=op.f("uq_competencies_name")),
    )
    op.create_table(
        "ratio_rule_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(), nullable=False),
        sa.Column("setting", sa.String(), nullable=False),
        sa.Column("techs_per_pharmacist", sa.Integer(), nullable=False),
        sa.Column("offset", sa.Integer(), nullable=False),
        sa.Column("certified_extra", sa.Integer(), nullable=False),
        sa.Column("trainees_count", sa.Boolean(), nullable=False),
        sa.Column("formula", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "techs_per_pharmacist >= 0", name=op.f("ck_ratio_rule_sets_techs_non_negative")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratio_rule_sets")),
        sa.UniqueConstraint(
            "jurisdiction",
            "setting",
            "effective_date",
            name=op.f("uq_ratio_rule_sets_jurisdiction_setting_effective_date"),
        ),
    )
    op.create_table(
        "site_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_groups")),
        sa.UniqueConstraint("name", name=op.f("uq_site_groups_name")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("timezone", sa.String(), nullable=False),
        sa.Column("open_24_7", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("ratio_rule_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["site_groups.id"], name=op.f("fk_sites_group_id_site_groups")
        ),
        sa.ForeignKeyConstraint(
            ["ratio_rule_id"],
            ["ratio_rule_sets.id"],
            name=op.f("fk_sites_ratio_rule_id_ratio_rule_sets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("name", name=op.f("uq_sites_name")),
    )
    op.create_table(
        "duties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(), nullable=True),
        sa.Column("competency_id", sa.Integer(), nullable=True),
        sa.Column("min_level", sa.String(length=32), nullable=False),
        sa.Column("per_week", sa.Integer(), nullable=False),
        sa.Column("per_day", sa.Integer(), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.CheckConstraint("per_week >= 0", name=op.f("ck_duties_per_week")),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_duties_competency_id_competencies"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_duties_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duties")),
        sa.UniqueConstraint("site_id", "name", name=op.f("uq_duties_site_id_name")),
    )
    op.create_table(
        "opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday_range")),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_opening_hours_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hours")),
        sa.UniqueConstraint("site_id", "weekday", name=op.f("uq_opening_hours_site_id_weekday")),
    )
    op.create_table(
        "rota_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["sites.id"],
            name=op.f("fk_rota_policies_site_id_sites"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_policies")),
        sa.UniqueConstraint("site_id", name=op.f("uq_rota_policies_site_id")),
    )
    op.create_table(
        "shift_types",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
        sa.Column("night", sa.Boolean(), nullable=False),
        sa.Column("weekdays", sa.String(), nullable=False),
        sa.Column("max_per_week", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "max_per_week IS NULL OR max_per_week >= 0", name=op.f("ck_shift_types_max_per_week")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_shift_types_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_types")),
        sa.UniqueConstraint("site_id", "code", name=op.f("uq_shift_types_site_id_code")),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("certified", sa.Boolean(), nullable=False),
        sa.Column("home_site_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("min_minutes_per_week", sa.Integer(), nullable=False),
        sa.Column("max_minutes_per_week", sa.Integer(), nullable=True),
        sa.Column("max_consecutive_days", sa.Integer(), nullable=True),
        sa.Column("min_consecutive_days", sa.Integer(), nullable=False),
        sa.Column("min_consecutive_days_off", sa.Integer(), nullable=False),
        sa.Column("max_weekends_per_4_weeks", sa.Integer(), nullable=True),
        sa.Column("min_rest_minutes", sa.Integer(), nullable=False),
        sa.Column("max_trainees", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "max_minutes_per_week IS NULL OR max_minutes_per_week >= min_minutes_per_week",
            name=op.f("ck_staff_minutes_order"),
        ),
        sa.ForeignKeyConstraint(
            ["home_site_id"], ["sites.id"], name=op.f("fk_staff_home_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff")),
    )
    op.create_table(
        "stations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_stations_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stations")),
        sa.UniqueConstraint("site_id", "name", name=op.f("uq_stations_site_id_name")),
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_calendar_feeds_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("staff_id", name=op.f("uq_calendar_feeds_staff_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )
    op.create_table(
        "ce_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Double(), nullable=False),
        sa.Column("topic", sa.String(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.CheckConstraint("hours > 0", name=op.f("ck_ce_entries_hours_positive")),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_ce_entries_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ce_entries")),
    )
    op.create_table(
        "certifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("issued", sa.Date(), nullable=True),
        sa.Column("expires", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_certifications_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certifications")),
        sa.UniqueConstraint("staff_id", "name", name=op.f("uq_certifications_staff_id_name")),
    )
    op.create_table(
        "cover_requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("shift_type_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("ideal", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(weekday IS NULL) != (on_date IS NULL)",
            name=op.f("ck_cover_requirements_weekday_xor_date"),
        ),
        sa.CheckConstraint(
            "minimum >= 0 AND ideal >= minimum", name=op.f("ck_cover_requirements_head_count")
        ),
        sa.CheckConstraint(
            "weekday IS NULL OR weekday BETWEEN 0 AND 6",
            name=op.f("ck_cover_requirements_weekday_range"),
        ),
        sa.ForeignKeyConstraint(
            ["shift_type_id"],
            ["shift_types.id"],
            name=op.f("fk_cover_requirements_shift_type_id_shift_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_cover_requirements_station_id_stations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cover_requirements")),
        sa.UniqueConstraint(
            "station_id",
            "shift_type_id",
            "weekday",
            "on_date",
            name=op.f("uq_cover_requirements_station_id_shift_type_id_weekday_on_date"),
        ),
    )
    op.create_table(
        "development_goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("target_level", sa.String(length=32), nullable=False),
        sa.Column("shifts_needed", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.CheckConstraint(
            "priority BETWEEN 1 AND 3", name=op.f("ck_development_goals_priority_range")
        ),
        sa.CheckConstraint("shifts_needed >= 0", name=op.f("ck_development_goals_shifts_needed")),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_development_goals_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_development_goals_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_goals")),
    )
    op.create_table(
        "duty_people",
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["duties.id"],
            name=op.f("fk_duty_people_duty_id_duties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_duty_people_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("duty_id", "staff_id", name=op.f("pk_duty_people")),
    )
    op.create_table(
        "duty_shift_types",
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column("shift_type_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["duties.id"],
            name=op.f("fk_duty_shift_types_duty_id_duties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shift_type_id"],
            ["shift_types.id"],
            name=op.f("fk_duty_shift_types_shift_type_id_shift_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("duty_id", "shift_type_id", name=op.f("pk_duty_shift_types")),
    )
    op.create_table(
        "leave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("shift_type_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(), nullable=False),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_leave_date_order")),
        sa.ForeignKeyConstraint(
            ["shift_type_id"],
            ["shift_types.id"],
            name=op.f("fk_leave_shift_type_id_shift_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_leave_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leave")),
    )
    op.create_table(
        "shift_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("shift_type_id", sa.Integer(), nullable=True),
        sa.Column("want", sa.Boolean(), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shift_type_id"],
            ["shift_types.id"],
            name=op.f("fk_shift_requests_shift_type_id_shift_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_shift_requests_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shift_requests")),
    )
    op.create_table(
        "shift_type_forbidden_next",
        sa.Column("shift_type_id", sa.Integer(), nullable=False),
        sa.Column("next_shift_type_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["next_shift_type_id"],
            ["shift_types.id"],
            name=op.f("fk_shift_type_forbidden_next_next_shift_type_id_shift_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shift_type_id"],
            ["shift_types.id"],
            name=op.f("fk_shift_type_forbidden_next_shift_type_id_shift_types"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "shift_type_id", "next_shift_type_id", name=op.f("pk_shift_type_forbidden_next")
        ),
    )
    op.create_table(
        "staff_competencies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("signed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_off_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_staff_competencies_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_off_by_id"],
            ["staff.id"],
            name=op.f("fk_staff_competencies_signed_off_by_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_staff_competencies_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_competencies")),
        sa.UniqueConstraint(
            "staff_id", "competency_id", name=op.f("uq_staff_competencies_staff_id_competency_id")
        ),
    )
    op.create_table(
        "station_competencies",
        sa.Column("station_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_station_competencies_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_station_competencies_station_id_stations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "station_id", "competency_id", name=op.f("pk_station_competencies")
        ),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_users_staff_id_staff"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("staff_id", name=op.f("uq_users_staff_id")),
    )
    op.create_table(
        "volunteer_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("duty_id", sa.Integer(), nullable=True),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.CheckConstraint("count >= 1", name=op.f("ck_volunteer_offers_count_positive")),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["duties.id"],
            name=op.f("fk_volunteer_offers_duty_id_duties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_volunteer_offers_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_volunteer_offers_station_id_stations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_offers")),
    )
    op.create_table(
        "rotas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("objective", sa.Integer(), nullable=True),
        sa.Column("bound", sa.Double(), nullable=True),
        sa.Column("solve_status", sa.String(), nullable=True),
        sa.Column("costs", sa.JSON(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("notes", sa.String(), nullable=False),
        sa.Column("based_on_id", sa.Integer(), nullable=True),
        sa.Column("violations", sa.JSON(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("approved_at", sa.DateTime(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["approved_by_id"],
            ["users.id"],
            name=op.f("fk_rotas_approved_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["based_on_id"],
            ["rotas.id"],
            name=op.f("fk_rotas_based_on_id_rotas"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["users.id"],
            name=op.f("fk_rotas_published_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_rotas_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rotas")),
        sa.UniqueConstraint(
            "site_id", "week_start", "version", name=op.f("uq_rotas_site_id_week_start_version")
        ),
    )
    op.create_table(
        "sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("competency_id", sa.Integer(), nullable=False),
        sa.Column("from_level", sa.String(length=32), nullable=True),
        sa.Column("to_level", sa.String(length=32), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("supervised_shifts", sa.Integer(), nullable=False),
        sa.Column("signed_by_staff_id", sa.Integer(), nullable=True),
        sa.Column("signed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("signer_name", sa.String(), nullable=False),
        sa.Column("signed_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["competency_id"],
            ["competencies.id"],
            name=op.f("fk_sign_offs_competency_id_competencies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_staff_id"],
            ["staff.id"],
            name=op.f("fk_sign_offs_signed_by_staff_id_staff"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["signed_by_user_id"],
            ["users.id"],
            name=op.f("fk_sign_offs_signed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_sign_offs_staff_id_staff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_offs")),
    )
    op.create_table(
        "rota_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rota_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("shift_type_id", sa.Integer(), nullable=False),
        sa.Column("station_id", sa.Integer(), nullable=True),
        sa.Column("duty_id", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("trainer_id", sa.Integer(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "mode = 'trainee' OR trainer_id IS NULL",
            name=op.f("ck_rota_assignments_trainer_only_for_trainee"),
        ),
        sa.CheckConstraint(
            "(station_id IS NULL) != (duty_id IS NULL)",
            name=op.f("ck_rota_assignments_station_xor_duty"),
        ),
        sa.ForeignKeyConstraint(
            ["duty_id"],
            ["duties.id"],
            name=op.f("fk_rota_assignments_duty_id_duties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rota_id"],
            ["rotas.id"],
            name=op.f("fk_rota_assignments_rota_id_rotas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shift_type_id"],
            ["shift_types.id"],
            name=op.f("fk_rota_assignments_shift_type_id_shift_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
            name=op.f("fk_rota_assignments_staff_id_staff"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["station_id"],
            ["stations.id"],
            name=op.f("fk_rota_assignments_station_id_stations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trainer_id"],
            ["staff.id"],
            name=op.f("fk_rota_assignments_trainer_id_staff"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rota_assignments")),
        sa.UniqueConstraint(
            "rota_id",
            "staff_id",
            "on_date",
            name=op.f("uq_rota_assignments_rota_id_staff_id_on_date"),
        ),
    )
    op.create_table(
        "solve_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rota_id", sa.Integer(), nullable=True),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("reference_rota_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("time_limit", sa.Double(), nullable=False),
        sa.Column("best_objective", sa.Double(), nullable=True),
        sa.Column("best_bound", sa.Double(), nullable=True),
        sa.Column("elapsed", sa.Double(), nullable=False),
        sa.Column("solutions", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Integer(), nullable=True),
        sa.Column("bound", sa.Double(), nullable=True),
        sa.Column("seconds", sa.Double(), nullable=True),
        sa.Column("message", sa.String(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reference_rota_id"],
            ["rotas.id"],
            name=op.f("fk_solve_runs_reference_rota_id_rotas"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_solve_runs_requested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rota_id"], ["rotas.id"], name=op.f("fk_solve_runs_rota_id_rotas"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_solve_runs_site_id_sites"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solve_runs")),
    )


def downgrade() -> None:
    """Drop every table, children first: back to an empty database."""
    op.drop_table("solve_runs")
    op.drop_table("rota_assignments")
    op.drop_table("sign_offs")
    op.drop_table("rotas")
    op.drop_table("volunteer_offers")
    op.drop_table("users")
    op.drop_table("station_competencies")
    op.drop_table("staff_competencies")
    op.drop_table("shift_type_forbidden_next")
    op.drop_table("shift_requests")
    op.drop_table("leave")
    op.drop_table("duty_shift_types")
    op.drop_table("duty_people")
    op.drop_table("development_goals")
    op.drop_table("cover_requirements")
    op.drop_table("certifications")
    op.drop_table("ce_entries")
    op.drop_table("calendar_feeds")
    op.drop_table("stations")
    op.drop_table("staff")
    op.drop_table("shift_types")
    op.drop_table("rota_policies")
    op.drop_table("opening_hours")
    op.drop_table("duties")
    op.drop_table("sites")
    op.drop_table("site_groups")
    op.drop_table("ratio_rule_sets")
    op.drop_table("competencies")
