"""The database: DATABASE_URL chooses it, and numbers from requests are checked against it."""

from __future__ import annotations

import re

import pytest

from scheduler import create_app
from scheduler.database import INTEGER_MAX, database_int, database_url, engine_options
from scheduler.extensions import db


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://ann:s3cret@db.example.org:5432/rota", "postgresql+psycopg://ann:s3cret@db.example.org:5432/rota"),
        ("postgresql://postgres@127.0.0.1/scheduler", "postgresql+psycopg://postgres@127.0.0.1/scheduler"),
        ("POSTGRESQL://postgres@localhost/x?sslmode=require", "postgresql+psycopg://postgres@localhost/x?sslmode=require"),
        ("postgresql+psycopg://postgres@localhost/x", "postgresql+psycopg://postgres@localhost/x"),
        ("postgresql+psycopg2://postgres@localhost/x", "postgresql+psycopg2://postgres@localhost/x"),
        ("sqlite:////srv/scheduler/instance/scheduler.sqlite", "sqlite:////srv/scheduler/instance/scheduler.sqlite"),
        ("sqlite://", "sqlite://"),
    ],
)  # fmt: skip
def test_a_postgresql_address_gets_the_psycopg_driver_and_others_stay(given, used):
    assert database_url(given) == used


def test_only_a_server_database_checks_its_pooled_connections():
    assert engine_options("postgresql+psycopg://postgres@127.0.0.1/x")["pool_pre_ping"] is True
    assert engine_options("sqlite:////tmp/x.sqlite") == {}


def test_database_url_from_the_environment_selects_postgresql(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ann@db.example.org/rota")
    app = create_app({"TESTING": True, "SECRET_KEY": "test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://ann@db.example.org/rota"
    with app.app_context():  # the engine is made, never connected: nothing listens there
        assert db.engine.dialect.name == "postgresql"
        assert db.engine.dialect.driver == "psycopg"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_without_database_url_the_app_uses_sqlite_in_its_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"TESTING": True, "SECRET_KEY": "test"})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/scheduler.sqlite")


# ----- numbers from requests --------------------------------------------------------------------

TOO_BIG = str(INTEGER_MAX + 1)  # PostgreSQL refuses it in an INTEGER comparison


def test_database_int_takes_what_an_integer_column_holds():
    assert database_int("42") == 42
    assert database_int(str(INTEGER_MAX)) == INTEGER_MAX
    for text in (TOO_BIG, "99999999999999999999", "-99999999999", "4x"):
        with pytest.raises(ValueError, match="beyond the database|invalid literal"):
            database_int(text)


def test_every_page_with_an_id_in_its_address_says_not_found_for_an_id_past_the_database(
    app, client, login, tiny_site
):
    login("supervisor")
    pages = [  # each id too big, any other part a Monday
        re.sub(r"<[^>]+>", "2026-03-02", re.sub(r"<int(\([^)]*\))?:\w+>", TOO_BIG, rule.rule))
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and "<int" in rule.rule
    ]
    assert len(pages) > 10
    answers = {page: client.get(page).status_code for page in pages}
    assert {page: code for page, code in answers.items() if code != 404} == {}


@pytest.mark.parametrize(
    "page",
    [
        f"/staff/?site={TOO_BIG}",
        f"/staff/leave?site={TOO_BIG}",
        f"/skills/matrix?site={TOO_BIG}",
        f"/sheets/staff.csv?site={TOO_BIG}",
    ],
)
def test_a_site_filter_past_the_database_says_not_found(client, login, tiny_site, page):
    login("supervisor")
    assert client.get(page).status_code == 404
