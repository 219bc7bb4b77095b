"""Fixtures for the web app: an empty database per test and factories for the rows tests need."""

from __future__ import annotations

from datetime import date, time

import pytest

from scheduler import create_app
from scheduler.extensions import db
from scheduler.models import (
    AccountRole,
    Competency,
    CoverRequirement,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    Site,
    SiteKind,
    SkillLevel,
    Staff,
    StaffCompetency,
    StaffRole,
    Station,
    User,
)

MONDAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def app(database_url):
    """An app on an empty database of its own, with its tables created and its context pushed.

    The database is a new SQLite file, or on a PostgreSQL run (``TEST_DATABASE_URL``)
    the run's model database emptied after every test (tests/databases.py).
    """
    app = create_app(
        {
            "TESTING": True,
            "REDIS_URL": None,  # solves in a thread even where the shell sets REDIS_URL
            "MAIL_SERVER": None,  # links shown once even where the shell sets MAIL_SERVER
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A runner for the app's click commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_site(app):
    """Build a site: a 24/7 hospital in Chicago unless told otherwise."""

    def build(name: str = "Test Hospital", **overrides) -> Site:
        fields = {
            "name": name,
            "kind": SiteKind.HOSPITAL,
            "timezone": "America/Chicago",
            "open_24_7": True,
        }
        fields.update(overrides)
        site = Site(**fields)
        db.session.add(site)
        db.session.flush()
        return site

    return build


@pytest.fixture
def make_shift(app):
    """Build a shift type at a site: a 07:00-15:00 day shift by default."""

    def build(site: Site, code: str = "D", start=(7, 0), end=(15, 0), **overrides) -> ShiftType:
        fields = {
            "site": site,
            "code": code,
            "name": overrides.pop("name", code),
            "start": time(*start),
            "end": time(*end),
        }
        fields.update(overrides)
        shift = ShiftType(**fields)
        db.session.add(shift)
        db.session.flush()
        return shift

    return build


@pytest.fixture
def make_competency(app):
    """Build a competency from its code."""

    def build(code: str = "CF", **overrides) -> Competency:
        fields = {"code": code, "name": overrides.pop("name", f"Competency {code}")}
        fields.update(overrides)
        comp = Competency(**fields)
        db.session.add(comp)
        db.session.flush()
        return comp

    return build


@pytest.fixture
def make_station(app):
    """Build a station at a site needing the given competencies."""

    def build(site: Site, name: str = "Central fill", competencies=(), **overrides) -> Station:
        station = Station(site=site, name=name, competencies=list(competencies), **overrides)
        db.session.add(station)
        db.session.flush()
        return station

    return build


@pytest.fixture
def make_staff(app):
    """Build a member of staff: a full-time technician with the given skills (competency: level)."""

    def build(site: Site, name: str = "Ann", skills=None, **overrides) -> Staff:
        fields = {
            "name": name,
            "role": StaffRole.TECHNICIAN,
            "home_site": site,
            "min_minutes_per_week": 1920,
            "max_minutes_per_week": 2400,
        }
        fields.update(overrides)
        person = Staff(**fields)
        for comp, level in (skills or {}).items():
            person.skills.append(StaffCompetency(competency=comp, level=SkillLevel(level)))
        db.session.add(person)
        db.session.flush()
        return person

    return build


@pytest.fixture
def make_cover(app):
    """Build a cover line: per weekday, or for one date when ``on_date`` is given."""

    def build(station, shift, weekday=None, on_date=None, minimum=1, ideal=1) -> CoverRequirement:
        line = CoverRequirement(
            station=station,
            shift_type=shift,
            weekday=weekday,
            on_date=on_date,
            minimum=minimum,
            ideal=ideal,
        )
        db.session.add(line)
        db.session.flush()
        return line

    return build


@pytest.fixture
def make_rota(app):
    """Build a rota for a site's week from (person, date, shift, station[, mode, trainer]) rows."""

    def build(
        site, week_start=MONDAY, status=RotaStatus.PUBLISHED, rows=(), version=1, pinned=False
    ) -> Rota:
        rota = Rota(site=site, week_start=week_start, status=status, version=version)
        for person, on, shift, station, *rest in rows:
            mode = rest[0] if rest else "works"
            trainer = rest[1] if len(rest) > 1 else None
            rota.assignments.append(
                RotaAssignment(
                    staff=person,
                    on_date=on,
                    shift_type=shift,
                    station=station,
                    mode=mode,
                    trainer=trainer,
                    pinned=pinned,
                )
            )
        db.session.add(rota)
        db.session.flush()
        return rota

    return build


@pytest.fixture
def tiny_site(make_site, make_shift, make_competency, make_station, make_staff, make_cover):
    """A small 24/7 site: two shifts, two stations, two pharmacists, four technicians, cover."""
    site = make_site("Tiny Pharmacy")
    day = make_shift(site, "D", (7, 0), (15, 0), name="Day")
    eve = make_shift(site, "E", (15, 0), (23, 0), name="Evening")
    fill, verify = make_competency("CF", name="Central fill"), make_competency("RPHV")
    fill_station = make_station(site, "Central fill", [fill])
    verify_station = make_station(site, "Order entry", [verify])
    make_staff(
        site, "Pat", {verify: "independent"}, role=StaffRole.PHARMACIST, min_minutes_per_week=0
    )
    make_staff(
        site, "Quin", {verify: "independent"}, role=StaffRole.PHARMACIST, min_minutes_per_week=0
    )
    for name in ("Ann", "Ben", "Cat", "Dov"):
        make_staff(site, name, {fill: "independent"}, min_minutes_per_week=960)
    for wd in range(7):
        for shift in (day, eve):
            make_cover(fill_station, shift, weekday=wd, minimum=1, ideal=1)
            make_cover(verify_station, shift, weekday=wd, minimum=1, ideal=1)
    db.session.commit()
    return site


@pytest.fixture
def make_user(app):
    """Build an account: a supervisor with password 'password-1' unless told otherwise."""

    def build(
        role: str = "supervisor",
        email: str | None = None,
        staff=None,
        password: str = "password-1",
        **overrides,
    ) -> User:
        user = User(
            email=email or f"{role}{len(overrides)}@example.org",
            name=overrides.pop("name", role.title()),
            role=AccountRole(role),
            staff=staff,
            **overrides,
        )
        user.set_password(password)
        db.session.add(user)
        db.session.flush()
        return user

    return build


@pytest.fixture
def login(client, make_user):
    """Sign the test client in, as a new account of a role or as a given account."""

    def sign_in(role_or_user="supervisor", password: str = "password-1", **overrides) -> User:
        user = (
            role_or_user if isinstance(role_or_user, User) else make_user(role_or_user, **overrides)
        )
        db.session.commit()
        page = client.post("/auth/login", data={"email": user.email, "password": password})
        assert page.status_code == 302, page.get_data(as_text=True)
        return user

    return sign_in
