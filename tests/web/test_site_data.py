"""export-data / import-data: a whole site as JSON, restored into another database.

The demo is seeded once (``flask seed-demo``) and exported; each test imports the
files into a database of its own and checks what a user would check afterwards.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from scheduler import create_app
from scheduler.demo import DEMO_ACCOUNTS
from scheduler.extensions import db
from scheduler.models import (
    Competency,
    Duty,
    RotaStatus,
    ShiftType,
    Site,
    SiteKind,
    Staff,
    StaffRole,
    Station,
    User,
)
from scheduler.services.site_data.file_format import FORMAT, coverage_problems

MAIN = "Main Street Pharmacy"
HOSPITAL = "Riverside Hospital"
QI_DUTY = "Medication safety QI project"  # a hospital duty; the demo fixture adds a visitor
PASSWORDS = {email: password for email, _name, _role, password, _staff in DEMO_ACCOUNTS}


@contextmanager
def app_on(url: str) -> Iterator[Flask]:
    """An app on a database of its own, with its tables created and its context pushed."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
        }
    )
    with app.app_context():
        db.create_all()
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def cli(app: Flask, *args: str) -> Any:
    """Run a flask command of the app; the test's own session then sees what it wrote."""
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.remove()
    return result


def without_time(data: dict[str, Any]) -> dict[str, Any]:
    """An export without the moment it was made."""
    return {k: v for k, v in data.items() if k != "exported_at"}


def table_counts(*, audit: bool = True) -> dict[str, int]:
    """How many rows each table holds (the audit log left out when asked)."""
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for name, table in db.metadata.tables.items()
        if audit or name != "audit_events"
    }


def signs_in(app: Flask, email: str) -> bool:
    """Whether a demo account signs in with its demo password."""
    page = app.test_client().post(
        "/auth/login", data={"email": email, "password": PASSWORDS[email]}
    )
    return page.status_code == 302


def site_named(name: str) -> Site:
    """The site of a name in the current app's database (None when there is none)."""
    return db.session.scalar(sa.select(Site).where(Site.name == name))


def user_facts(site_name: str) -> dict[str, Any]:
    """What a supervisor checks after a restore: last week's rota, a trainee, the cover gaps."""
    site = site_named(site_name)
    published = next(r for r in site.rotas if r.status is RotaStatus.PUBLISHED)
    trainee = next(p for p in site.staff if p.role is StaffRole.TRAINEE)
    gaps = []
    for cost in published.costs or []:
        token = (cost.get("subject") or {}).get("activity") or ""
        station = db.session.get(Station, int(token[2:])) if token[2:].isdigit() else None
        if cost["family"] == "cover" and station is not None and station.site_id == site.id:
            gaps.append((cost["sentence"], station.name))
    return {
        "duty_people": sorted(
            (duty.name, p.name, p.home_site.name) for duty in site.duties for p in duty.people
        ),
        "assignments": sorted(
            (
                a.staff.name,
                a.staff.home_site.name,
                a.on_date.isoformat(),
                a.shift_type.code,
                a.station.name if a.station else a.duty.name,
                a.mode.value,
                a.trainer.name if a.trainer else None,
            )
            for a in published.assignments
        ),
        "approved_by": published.approved_by.email,
        "published_by": published.published_by.email,
        "trainee": trainee.name,
        "skills": sorted(
            (
                s.competency.code,
                s.level.value,
                s.valid_until,
                s.signed_off_by.name if s.signed_off_by else None,
            )
            for s in trainee.skills
        ),
        "goals": sorted(
            (g.competency.code, g.target_level.value, g.shifts_needed, g.deadline, g.priority)
            for g in trainee.goals
        ),
        "cover_gaps": sorted(gaps),
    }


@dataclass
class DemoExport:
    """The seeded demo's export files and what a user saw in it before."""

    folder: Path
    main_file: Path
    hospital_file: Path
    all_file: Path
    main: dict[str, Any]
    everything: dict[str, Any]
    facts: dict[str, dict[str, Any]]
    visitor: str  # the Main Street technician on a hospital duty

    def write(self, data: Any, name: str = "edited.json") -> Path:
        """A file holding changed data."""
        path = self.folder / name
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, test_databases) -> DemoExport:
    """The demo seeded by ``flask seed-demo`` and exported: Main Street, the hospital, all."""
    folder = tmp_path_factory.mktemp("demo")
    files = {name: folder / f"{name}.json" for name in ("main", "hospital", "all")}
    url = test_databases.seeded_demo()  # a copy of the run's demo, as seed-demo loads it
    try:
        with app_on(url) as app:
            # sites of a group share people: a Main Street technician joins a hospital duty,
            # so the hospital's records name someone of another site
            visitor = next(p for p in site_named(MAIN).staff if p.role is StaffRole.TECHNICIAN)
            duty = db.session.scalar(sa.select(Duty).where(Duty.name == QI_DUTY))
            duty.people.append(visitor)
            visitor_name = visitor.name
            db.session.commit()
            for name, args in (
                ("main", ["--site", MAIN]),
                ("hospital", ["--site", HOSPITAL]),
                ("all", ["--all"]),
            ):
                result = cli(app, "export-data", *args, "-o", str(files[name]))
                assert result.exit_code == 0, result.output
            facts = {name: user_facts(name) for name in (MAIN, HOSPITAL)}
    finally:
        test_databases.release(url)
    return DemoExport(
        folder=folder,
        main_file=files["main"],
        hospital_file=files["hospital"],
        all_file=files["all"],
        main=json.loads(files["main"].read_text(encoding="utf-8")),
        everything=json.loads(files["all"].read_text(encoding="utf-8")),
        facts=facts,
        visitor=visitor_name,
    )


# ----- round trips -------------------------------------------------------------------


def test_the_export_is_the_documented_format(demo):
    assert demo.main["format"] == FORMAT == "pharmacy-scheduler/site"
    assert demo.main["version"] == 1
    assert demo.main["exported_at"].endswith("Z")
    site = demo.main["site"]
    assert site["name"] == MAIN
    assert site["group"] == "Riverside Health"
    assert site["opening_hours"][0] == {"weekday": 0, "opens": "09:00", "closes": "21:00"}
    assert [s["code"] for s in site["shift_types"]] == ["AM", "PM", "WE"]
    # people are named by keys of the file, never by the source database's ids
    assert [p["key"] for p in site["staff"]] == [f"S{n}" for n in range(1, 11)]
    assignment = site["rotas"][0]["assignments"][0]
    assert assignment["staff"] in {p["key"] for p in site["staff"]}
    assert not {"id", "staff_id", "rota_id"} & set(assignment)
    assert [a["email"] for a in site["accounts"]] == ["pic@demo.pharmacy", "super@demo.pharmacy"]
    assert all(a["password_hash"].startswith("scrypt:") for a in site["accounts"])


def test_a_site_comes_back_whole_in_a_fresh_database(demo, fresh_database_url):
    with app_on(fresh_database_url("restore")) as app:
        result = cli(app, "import-data", str(demo.main_file))
        assert result.exit_code == 0, result.output
        assert f"Imported {MAIN}: 10 staff, 5 stations, 3 shift types, 0 duties" in result.output

        again = cli(app, "export-data", "--site", MAIN)
        assert again.exit_code == 0, again.output
        assert without_time(json.loads(again.stdout)) == without_time(demo.main)
        assert user_facts(MAIN) == demo.facts[MAIN]
        assert signs_in(app, "pic@demo.pharmacy")  # its hash came along
        assert signs_in(app, "super@demo.pharmacy")


def test_a_group_exported_together_comes_back_with_its_links(demo, fresh_database_url, tmp_path):
    with app_on(fresh_database_url("restore")) as app:
        result = cli(app, "import-data", str(demo.all_file))
        assert result.exit_code == 0, result.output
        assert f"Imported {HOSPITAL}: 30 staff" in result.output
        assert f"Imported {MAIN}: 10 staff" in result.output

        again = cli(app, "export-data", "--all", "-o", str(tmp_path / "again.json"))
        assert again.exit_code == 0, again.output
        assert "keep it as safe as the database" in again.output
        exported = json.loads((tmp_path / "again.json").read_text(encoding="utf-8"))
        assert without_time(exported) == without_time(demo.everything)
        for name in (HOSPITAL, MAIN):
            assert user_facts(name) == demo.facts[name]
        # the hospital's duty still lists the Main Street technician
        assert (QI_DUTY, demo.visitor, MAIN) in user_facts(HOSPITAL)["duty_people"]
        tech = db.session.scalar(sa.select(User).where(User.email == "tech@demo.pharmacy"))
        assert tech.staff.home_site.name == HOSPITAL
        assert signs_in(app, "tech@demo.pharmacy")


def test_a_site_imports_next_to_a_site_already_there(demo, app, tiny_site):
    tiny_before = json.loads(cli(app, "export-data", "--site", "Tiny Pharmacy").stdout)
    result = cli(app, "import-data", str(demo.main_file))
    assert result.exit_code == 0, result.output
    # the database's own competency of that code is used, and the user is told
    assert "Note: competency RPHV already exists here as 'Competency RPHV'" in result.output
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Competency).where(Competency.code == "RPHV")
        )
        == 1
    )
    main = site_named(MAIN)
    verification = next(s for s in main.stations if s.name == "Verification")
    assert [c.name for c in verification.competencies] == ["Competency RPHV"]
    assert len(main.staff) == 10
    assert user_facts(MAIN) == demo.facts[MAIN]
    tiny_after = json.loads(cli(app, "export-data", "--site", "Tiny Pharmacy").stdout)
    assert without_time(tiny_after) == without_time(tiny_before)


def test_the_score_breakdown_follows_the_rows_it_names(
    app, tiny_site, make_rota, fresh_database_url, tmp_path
):
    day = next(st for st in tiny_site.shift_types if st.code == "D")
    fill = next(st for st in tiny_site.stations if st.name == "Central fill")
    ann = db.session.scalar(sa.select(Staff).where(Staff.name == "Ann"))
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT)
    rota.costs = [
        {
            "family": "cover",
            "key": f"cover:2:sh{day.id}:st{fill.id}:under",
            "weight": 1000,
            "amount": 1,
            "total": 1000,
            "sentence": "Wed day, Central fill: 1 short of the minimum 1",
            "subject": {
                "person": None,
                "day": 2,
                "shift": f"sh{day.id}",
                "activity": f"st{fill.id}",
            },
        },
        {
            "family": "requests",
            "key": f"requests:p{ann.id}:1:*:off",
            "weight": 10,
            "amount": 1,
            "total": 10,
            "sentence": "Ann asked for Tue off",
            "subject": {"person": f"p{ann.id}", "day": 1, "shift": None, "activity": None},
        },
    ]
    source_ids, hours = (day.id, fill.id, ann.id), (day.start, day.end)
    db.session.commit()
    exported = json.loads(cli(app, "export-data", "--site", "Tiny Pharmacy").stdout)
    cover, wish = exported["site"]["rotas"][0]["costs"]
    assert cover["key"] == "cover:2:{0}:{1}:under"
    assert cover["key_refs"] == [{"shift": "D"}, {"station": "Central fill"}]
    assert cover["subject"]["activity"] == {"station": "Central fill"}
    ann_key = next(p["key"] for p in exported["site"]["staff"] if p["name"] == "Ann")
    assert wish["key_refs"] == [{"staff": ann_key}]

    with app_on(fresh_database_url("restore")) as other:
        # another site first, so every row of the import gets other ids than at the source
        elsewhere = Site(name="Elsewhere", kind=SiteKind.RETAIL)
        elsewhere.shift_types = [ShiftType(code="X", name="X", start=hours[0], end=hours[1])]
        elsewhere.stations = [Station(name="Counter")]
        db.session.add_all(
            [elsewhere, Staff(name="Zed", role=StaffRole.TECHNICIAN, home_site=elsewhere)]
        )
        db.session.commit()
        saved = tmp_path / "tiny.json"
        saved.write_text(json.dumps(exported), encoding="utf-8")
        assert cli(other, "import-data", str(saved)).exit_code == 0
        site = site_named("Tiny Pharmacy")
        new_day = next(st for st in site.shift_types if st.code == "D")
        new_fill = next(st for st in site.stations if st.name == "Central fill")
        new_ann = next(p for p in site.staff if p.name == "Ann")
        assert (new_day.id, new_fill.id, new_ann.id) != source_ids
        cover, wish = site.rotas[0].costs
        assert cover["key"] == f"cover:2:sh{new_day.id}:st{new_fill.id}:under"
        assert cover["subject"] == {
            "person": None,
            "day": 2,
            "shift": f"sh{new_day.id}",
            "activity": f"st{new_fill.id}",
        }
        assert wish["key"] == f"requests:p{new_ann.id}:1:*:off"
        assert wish["subject"]["person"] == f"p{new_ann.id}"


# ----- refusing bad files ----------------------------------------------------------------


def _edit(change: Callable[[dict], Any]) -> Callable[[dict], dict]:
    """An edit of the Main Street export."""

    def apply(data: dict) -> dict:
        edited = copy.deepcopy(data)
        change(edited["site"])
        return edited

    return apply


def _person(site: dict, role: str) -> dict:
    """The first person of a role in a site section."""
    return next(p for p in site["staff"] if p["role"] == role)


BAD_FILES = [
    pytest.param(lambda _d: "{not json", "is not JSON (Expecting property name", id="not-json"),
    pytest.param(lambda _d: "[1, 2]", "the file holds a JSON list, not a site export", id="a-list"),
    pytest.param(
        lambda d: {**d, "format": "other/thing"},
        "the file's format is 'other/thing'; a site export has 'pharmacy-scheduler/site'",
        id="wrong-format",
    ),
    pytest.param(
        lambda d: {**d, "version": 2},
        "version 2 of the format; this app reads version 1 (the file comes from a newer release)",
        id="newer-version",
    ),
    pytest.param(
        _edit(lambda s: _person(s, "trainee")["skills"][0].update(level="expert")),
        ".level: 'expert' is not one of observe, supervised, independent, trainer",
        id="bad-level",
    ),
    pytest.param(
        _edit(lambda s: _person(s, "trainee")["goals"][0].update(competency="NOPE")),
        ".goals[0].competency: unknown competency 'NOPE'",
        id="unknown-competency",
    ),
    pytest.param(
        _edit(lambda s: s["rotas"][0]["assignments"][-1].update(staff="S99")),
        "].staff: no staff member with key 'S99' in the file",
        id="unknown-person",
    ),
    pytest.param(
        _edit(lambda s: s["rotas"][0]["assignments"][0].update(station="Drive-thru")),
        "assignments[0].station: no station 'Drive-thru' at 'Main Street Pharmacy'",
        id="unknown-station",
    ),
    pytest.param(
        _edit(lambda s: s["rotas"][0].update(approved_by="nobody@example.org")),
        "approved_by: no account 'nobody@example.org'",
        id="unknown-account",
    ),
    pytest.param(_edit(lambda s: s["staff"][0].pop("name")), "name is missing", id="missing-name"),
    pytest.param(
        _edit(
            lambda s: s["staff"][0]["leave"].append(
                {"start_date": "2026-02-30", "end_date": "2026-03-01", "kind": "annual"}
            )
        ),
        "start_date: '2026-02-30' is not a date such as 2026-03-02",
        id="bad-date",
    ),
    pytest.param(
        _edit(
            lambda s: s["staff"][0]["leave"].append(
                {"start_date": "9999-12-30", "end_date": "9999-12-31", "kind": "annual"}
            )
        ),
        "start_date: '9999-12-30' is outside the dates the app works with. Give a date between "
        "2000 and 2100.",
        id="leave-in-year-9999",
    ),
    pytest.param(
        _edit(lambda s: _person(s, "trainee")["goals"][0].update(deadline="1999-12-31")),
        "deadline: '1999-12-31' is outside the dates the app works with",
        id="deadline-before-2000",
    ),
    pytest.param(
        _edit(lambda s: s["rotas"][0].update(published_at="9999-12-31T23:00:00-05:00")),
        "published_at: '9999-12-31T23:00:00-05:00' is not a timestamp",
        id="timestamp-past-year-9999",
    ),
    pytest.param(
        _edit(lambda s: s.update(timezone="Mars/Olympus")),
        "timezone: unknown time zone 'Mars/Olympus'",
        id="bad-zone",
    ),
    # found only when the rows are written: the database's own check refuses it
    pytest.param(
        _edit(lambda s: s["stations"][0]["cover"][0].update(minimum=3, ideal=1)),
        "the database refused the data",
        id="refused-by-the-database",
    ),
]


@pytest.mark.parametrize(("make", "message"), BAD_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_changes_nothing(
    demo, app, tiny_site, make, message
):
    before = table_counts()
    path = demo.write(make(demo.main))
    result = cli(app, "import-data", str(path))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "nothing was" in result.output
    assert "Traceback" not in result.output
    assert table_counts() == before
    assert site_named(MAIN) is None


def test_a_site_of_the_same_name_is_refused_unless_replaced(demo, app, tiny_site):
    assert cli(app, "import-data", str(demo.main_file)).exit_code == 0
    before = table_counts()
    again = cli(app, "import-data", str(demo.main_file))
    assert again.exit_code == 1
    assert f"a site named '{MAIN}' already exists in this database; import with --replace" in (
        again.output
    )
    assert table_counts() == before


def test_an_account_of_the_sites_people_may_not_take_over_another(demo, app, tiny_site, make_user):
    ann = db.session.scalar(sa.select(Staff).where(Staff.name == "Ann"))
    make_user("technician", email="pic@demo.pharmacy", staff=ann)
    data = copy.deepcopy(demo.main)
    pic = next(a for a in data["site"]["accounts"] if a["email"] == "pic@demo.pharmacy")
    pic["staff"] = "S1"  # now an account of one of the site's own people
    db.session.commit()
    before = table_counts()
    result = cli(app, "import-data", str(demo.write(data)))
    assert result.exit_code == 1
    assert (
        "an account for pic@demo.pharmacy already exists in this database, for Ann at "
        "Tiny Pharmacy" in result.output
    )
    assert table_counts() == before


def test_a_site_that_names_people_elsewhere_needs_them_there(demo, fresh_database_url):
    with app_on(fresh_database_url("restore")) as app:
        result = cli(app, "import-data", str(demo.hospital_file))
        assert result.exit_code == 1
        assert f"no '{demo.visitor}' at '{MAIN}' in this database" in result.output
        assert "Traceback" not in result.output
        assert all(n == 0 for n in table_counts().values())
        # with Main Street there first, the hospital's duty finds the Main Street technician
        assert cli(app, "import-data", str(demo.main_file)).exit_code == 0
        result = cli(app, "import-data", str(demo.hospital_file))
        assert result.exit_code == 0, result.output
        # Main Street brought the PIC's account along unlinked; now it is the PIC's again
        assert "the account pic@demo.pharmacy was here already; it is now linked" in (result.output)
        assert user_facts(HOSPITAL) == demo.facts[HOSPITAL]
        pic = db.session.scalar(sa.select(User).where(User.email == "pic@demo.pharmacy"))
        assert pic.staff.home_site.name == HOSPITAL
        assert signs_in(app, "pic@demo.pharmacy")


# ----- replacing --------------------------------------------------------------------------


def test_replace_overwrites_the_site_with_the_file(demo, fresh_database_url):
    edited = copy.deepcopy(demo.main)
    edited["site"]["rotas"][0]["notes"] = "Restored from the backup"
    trainee = _person(edited["site"], "trainee")
    trainee["goals"][0]["shifts_needed"] = 9
    with app_on(fresh_database_url("restore")) as app:
        assert cli(app, "import-data", str(demo.main_file)).exit_code == 0
        result = cli(app, "import-data", str(demo.write(edited, "edited-main.json")), "--replace")
        assert result.exit_code == 0, result.output
        assert f"Replaced the existing {MAIN}." in result.output
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Site)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Staff)) == 10
        site = site_named(MAIN)
        assert site.rotas[0].notes == "Restored from the backup"
        again = json.loads(cli(app, "export-data", "--site", MAIN).stdout)
        assert without_time(again) == without_time(edited)
        assert signs_in(app, "pic@demo.pharmacy")


def test_replace_refuses_a_site_other_sites_still_name(demo, fresh_database_url):
    with app_on(fresh_database_url("restore")) as app:
        assert cli(app, "import-data", str(demo.all_file)).exit_code == 0
        before = table_counts()
        data_before = table_counts(audit=False)
        result = cli(app, "import-data", str(demo.main_file), "--replace")
        assert result.exit_code == 1
        assert (
            f"'{MAIN}' cannot be replaced: the duty '{QI_DUTY}' at {HOSPITAL} lists its "
            "people" in result.output
        )
        assert "export-data --all" in result.output
        assert table_counts() == before
        # the whole group, replaced together, is fine
        result = cli(app, "import-data", str(demo.all_file), "--replace")
        assert result.exit_code == 0, result.output
        assert table_counts(audit=False) == data_before  # the same rows, written afresh
        assert user_facts(HOSPITAL) == demo.facts[HOSPITAL]


# ----- the commands' own checks ------------------------------------------------------------


def test_export_data_names_the_sites_it_knows(app, tiny_site):
    runner = app.test_cli_runner()
    nowhere = runner.invoke(args=["export-data", "--site", "Nowhere"])
    assert nowhere.exit_code == 2
    assert "no site named 'Nowhere' (known: 'Tiny Pharmacy')" in nowhere.output
    neither = runner.invoke(args=["export-data"])
    assert neither.exit_code == 2
    assert "Name a site with --site, or export every site with --all" in neither.output
    printed = runner.invoke(args=["export-data", "--site", "Tiny Pharmacy"])
    data = json.loads(printed.stdout)
    assert data["site"]["shift_types"][0]["start"] == "07:00"
    helped = " ".join(runner.invoke(args=["export-data", "--help"]).output.split())
    assert "with their password hashes, so people can sign in after a restore" in helped


def test_import_data_on_a_database_without_tables_says_so(demo, app):
    db.drop_all()
    result = cli(app, "import-data", str(demo.main_file))
    assert result.exit_code == 1
    assert "run init-db first" in result.output


def test_every_table_is_exported_or_left_out_on_purpose(app):
    assert coverage_problems() == []
