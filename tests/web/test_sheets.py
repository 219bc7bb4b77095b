"""Spreadsheets: a week's rota as CSV and Excel, and the staff file exported and imported back."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from scheduler import create_app
from scheduler.extensions import db
from scheduler.filters import day
from scheduler.models import (
    Competency,
    Duty,
    DutyKind,
    Leave,
    LeaveKind,
    RotaAssignment,
    RotaStatus,
    Site,
    SkillLevel,
    Staff,
    StaffCompetency,
    StaffRole,
)
from scheduler.services.sheets import pending
from scheduler.services.solver_terms import IdMap
from scheduler.views import sheets as sheets_view

from .conftest import MONDAY

MB = 1024 * 1024
HEADER = "Name,Role,Certified,Home site,Active,CF level,CF valid until"


@pytest.fixture(autouse=True)
def import_folder(app, tmp_path):
    """Keep pending uploads in the test's own folder, not the instance folder."""
    app.config["SHEETS_IMPORT_FOLDER"] = str(tmp_path / "imports")


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def counts() -> tuple[int, int]:
    """How many people and competency levels are on record."""
    return count(Staff), count(StaffCompetency)


def person(name: str) -> Staff:
    return db.session.scalar(db.select(Staff).where(Staff.name == name))


def read_csv(response) -> list[list[str]]:
    """A CSV download's rows, checking it is UTF-8 with a byte-order mark."""
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def multipart(fields: dict) -> dict:
    """A multipart body built in memory (the test client spools large ones to unclosed files)."""
    boundary, body = encode_multipart(fields)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def upload(client, content: bytes, filename: str = "staff.csv", **fields):
    """Post a staff file to the import page."""
    fields["file"] = FileStorage(io.BytesIO(content), filename)
    return client.post("/sheets/staff/import", **multipart(fields))


def token_of(response) -> str:
    """The pending upload's token from the redirect to its preview."""
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert "/sheets/staff/import/" in location
    return location.rsplit("/", 1)[-1]


# ----- a week's rota --------------------------------------------------------------------------


@pytest.fixture
def week(tiny_site, make_rota):
    """Tiny Pharmacy's week: a trainee beside her trainer, a duty, a gap, leave, days off."""
    site = tiny_site
    day, eve = site.shift_types
    fill, entry = site.stations
    people = {p.name: p for p in site.staff}
    duty = Duty(site=site, name="Inventory count", kind=DutyKind.INVENTORY_COUNT, minutes=240)
    db.session.add(duty)
    tue = MONDAY + timedelta(days=1)
    rota = make_rota(
        site,
        rows=[
            (people["Pat"], MONDAY, day, entry),
            (people["Ann"], MONDAY, day, fill),
            (people["Ben"], MONDAY, day, fill, "trainee", people["Ann"]),
            (people["Cat"], tue, eve, fill),
        ],
    )
    rota.assignments.append(
        RotaAssignment(staff=people["Dov"], on_date=MONDAY, shift_type=day, duty=duty)
    )
    rota.costs = [
        {
            "family": "cover",
            "key": f"cover:{fill.id}:under",
            "subject": {
                "day": 1,
                "shift": IdMap.key("shift", day.id),
                "activity": IdMap.key("station", fill.id),
            },
            "weight": 1000,
            "amount": 1,
            "sentence": "Central fill on Tue day is 1 short of the minimum 1.",
        }
    ]
    wed = MONDAY + timedelta(days=2)
    db.session.add(
        Leave(
            staff=people["Quin"], start_date=wed, end_date=wed, kind=LeaveKind.ANNUAL, approved=True
        )
    )
    db.session.commit()
    return rota


def _week_url(rota, name: str) -> str:
    return f"/sheets/week/{rota.site_id}/{rota.week_start.isoformat()}/{name}"


def test_week_by_person_csv_has_each_person_and_day(client, login, week):
    login("supervisor")
    page = client.get(_week_url(week, "by-person.csv"))
    assert page.status_code == 200
    assert page.mimetype == "text/csv"
    assert "tiny-pharmacy-2026-03-02-v1-by-person.csv" in page.headers["Content-Disposition"]
    rows = read_csv(page)
    assert rows[0] == [
        "Person",
        "Role",
        "Mon 2 Mar",
        "Tue 3 Mar",
        "Wed 4 Mar",
        "Thu 5 Mar",
        "Fri 6 Mar",
        "Sat 7 Mar",
        "Sun 8 Mar",
        "Hours",
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"Pat", "Quin", "Ann", "Ben", "Cat", "Dov"}
    assert [r[0] for r in rows[1:3]] == ["Pat", "Quin"]  # pharmacists first
    assert by_name["Pat"][1:4] == ["Pharmacist", "D Order entry", "off"]
    assert by_name["Ann"][2] == "D Central fill (trains Ben)"
    assert by_name["Ben"][2] == "D Central fill (trainee with Ann)"
    assert by_name["Cat"][3] == "E Central fill"
    assert by_name["Dov"][2] == "D Inventory count (duty)"
    assert by_name["Quin"][4] == "Annual leave"
    assert by_name["Ann"][-1] == "8"
    assert by_name["Quin"][-1] == "0"


def test_week_by_station_csv_has_each_station_duty_and_shift(client, login, week):
    login("supervisor")
    page = client.get(_week_url(week, "by-station.csv"))
    assert page.status_code == 200
    rows = read_csv(page)
    header = rows[0]
    assert header[0] == "Station or duty"
    assert len(header) == 1 + 14  # two shifts on each of seven days
    assert header[1] == "Mon 2 Mar D 07:00\u201315:00"
    assert header[4] == "Tue 3 Mar E 15:00\u201323:00"
    by_row = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(by_row) == {"Central fill", "Order entry", "Inventory count (duty)"}
    fill = by_row["Central fill"]
    assert fill["Mon 2 Mar D 07:00\u201315:00"] == "Ann; Ben (trainee with Ann)"
    assert fill["Tue 3 Mar E 15:00\u201323:00"] == "Cat"
    assert fill["Tue 3 Mar D 07:00\u201315:00"] == "gap: 0 of 1 (1 short)"
    assert by_row["Order entry"]["Mon 2 Mar D 07:00\u201315:00"] == "Pat"
    assert by_row["Inventory count (duty)"]["Mon 2 Mar D 07:00\u201315:00"] == "Dov"
    assert by_row["Order entry"]["Sun 8 Mar E 15:00\u201323:00"] == ""


def test_week_xlsx_has_a_sheet_per_view_with_bold_frozen_headings(client, login, week):
    login("pic")
    page = client.get(_week_url(week, "rota.xlsx"))
    assert page.status_code == 200
    assert page.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(page.data))
    assert book.sheetnames == ["By person", "By station"]
    assert book.properties.title.startswith("Tiny Pharmacy, week of Mon 2 Mar 2026, version 1")
    people, stations = book["By person"], book["By station"]
    assert people.freeze_panes == "C2"
    assert stations.freeze_panes == "B2"
    assert all(cell.font.b for cell in people[1])
    assert people.column_dimensions["A"].width >= len("Person")
    rows = {r[0]: r for r in people.iter_rows(min_row=2, values_only=True)}
    assert rows["Ben"][2] == "D Central fill (trainee with Ann)"
    assert rows["Ann"][-1] == 8
    chart = {r[0]: r for r in stations.iter_rows(min_row=2, values_only=True)}
    assert chart["Central fill"][1] == "Ann\nBen (trainee with Ann)"
    assert set(chart) == {"Central fill", "Order entry", "Inventory count (duty)"}


def test_week_export_takes_the_version_asked_for(client, login, week, make_rota, tiny_site):
    ann = person("Ann")
    make_rota(
        tiny_site,
        status=RotaStatus.DRAFT,
        version=2,
        rows=[(ann, MONDAY, tiny_site.shift_types[1], tiny_site.stations[0])],
    )
    db.session.commit()
    login("supervisor")
    latest = {r[0]: r for r in read_csv(client.get(_week_url(week, "by-person.csv")))}
    first = {r[0]: r for r in read_csv(client.get(_week_url(week, "by-person.csv?version=1")))}
    assert latest["Ann"][2] == "E Central fill"
    assert first["Ann"][2] == "D Central fill (trains Ben)"
    assert client.get(_week_url(week, "by-person.csv?version=9")).status_code == 404


def test_a_week_without_a_rota_has_nothing_to_export(client, login, tiny_site):
    login("supervisor")
    page = client.get(f"/sheets/week/{tiny_site.id}/2026-03-09/by-station.csv")
    assert page.status_code == 404
    assert "no rota to export" in page.get_data(as_text=True)
    assert client.get(f"/sheets/week/{tiny_site.id}/not-a-date/rota.xlsx").status_code == 404


def test_the_week_page_links_its_exports(client, login, week):
    login("supervisor")
    html = client.get(f"/rotas/{week.site_id}/{MONDAY.isoformat()}").get_data(as_text=True)
    for name in ("by-person.csv?version=1", "by-station.csv?version=1", "rota.xlsx?version=1"):
        assert _week_url(week, name) in html


# ----- who may do what ------------------------------------------------------------------------


def test_technicians_get_403_and_pics_may_export_but_not_import(client, login, week):
    urls = [_week_url(week, n) for n in ("by-person.csv", "by-station.csv", "rota.xlsx")]
    urls += ["/sheets/staff.csv", "/sheets/staff.xlsx"]
    login("technician", staff=person("Ann"))
    for url in [*urls, "/sheets/staff/import"]:
        assert client.get(url).status_code == 403, url
    before = counts()
    assert (
        upload(client, f"{HEADER}\nNew,technician,no,Tiny Pharmacy,yes,,\n".encode()).status_code
        == 403
    )
    client.post("/auth/logout")
    login("pic", email="pic@example.org")
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert client.get("/sheets/staff/import").status_code == 403
    assert (
        upload(client, f"{HEADER}\nNew,technician,no,Tiny Pharmacy,yes,,\n".encode()).status_code
        == 403
    )
    assert counts() == before


# ----- the staff file: export and round trip --------------------------------------------------


def snapshot() -> dict[str, tuple]:
    """Everyone's record and competency levels, by name, in words that do not depend on ids."""
    out = {}
    for p in db.session.scalars(db.select(Staff)):
        skills = frozenset((s.competency.code, s.level.value, s.valid_until) for s in p.skills)
        out[p.name] = (
            p.role.value,
            p.certified,
            p.home_site.name,
            p.active,
            p.min_minutes_per_week,
            p.max_minutes_per_week,
            p.max_consecutive_days,
            p.min_consecutive_days,
            p.min_consecutive_days_off,
            p.max_weekends_per_4_weeks,
            p.min_rest_minutes,
            p.max_trainees,
            skills,
        )
    return out


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_export_then_import_on_a_fresh_database_gives_the_same_data(
    app, client, login, tmp_path, kind, fresh_database_url
):
    from scheduler.demo import seed

    seed(date(2026, 3, 4), previous_week=False)
    person("Hana Gomez").max_minutes_per_week = None  # blank: no limit
    person("Keisha Zhou").min_minutes_per_week = 445  # 7.42 h: not a whole number of hours
    person("Lena Schmidt").active = False
    db.session.commit()
    expected = snapshot()
    assert len(expected) == count(Staff) == 40
    login("supervisor")
    exported = client.get(f"/sheets/staff.{kind}")
    assert exported.status_code == 200
    sites = [(s.name, s.kind, s.timezone) for s in db.session.scalars(db.select(Site))]
    comps = [(c.code, c.name, c.requalify_days) for c in db.session.scalars(db.select(Competency))]

    fresh = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": fresh_database_url("fresh"),
        }
    )
    with fresh.app_context():
        db.create_all()
        for name, site_kind, tz in sites:
            db.session.add(Site(name=name, kind=site_kind, timezone=tz))
        for code, name, days in comps:
            db.session.add(Competency(code=code, name=name, requalify_days=days))
        from scheduler.models import AccountRole, User

        user = User(email="s@example.org", name="S", role=AccountRole.SUPERVISOR)
        user.set_password("password-1")
        db.session.add(user)
        db.session.commit()
        fresh.config["SHEETS_IMPORT_FOLDER"] = str(tmp_path / "fresh-imports")
        other = fresh.test_client()
        other.post("/auth/login", data={"email": "s@example.org", "password": "password-1"})
        token = token_of(upload(other, exported.data, f"staff.{kind}"))
        preview = other.get(f"/sheets/staff/import/{token}")
        assert preview.status_code == 200
        assert count(Staff) == 0  # a preview saves nothing
        assert "40 changes" in preview.get_data(as_text=True)
        done = other.post(f"/sheets/staff/import/{token}/confirm")
        assert done.status_code == 302
        assert snapshot() == expected
        db.session.remove()
        db.engine.dispose()


def test_importing_an_unchanged_export_changes_nothing(client, login, week):
    login("supervisor")
    before = snapshot()
    exported = client.get(f"/sheets/staff.csv?site={week.site_id}")
    token = token_of(upload(client, exported.data))
    html = client.get(f"/sheets/staff/import/{token}").get_data(as_text=True)
    assert "Every row matches the records already" in html
    assert 'disabled aria-disabled="true"' in html
    assert client.post(f"/sheets/staff/import/{token}/confirm").status_code == 200
    assert snapshot() == before


def test_the_staff_export_is_in_the_import_format(client, login, week):
    ann = person("Ann")
    ann.skills[0].valid_until = date(2027, 3, 1)
    db.session.commit()
    login("pic")
    rows = read_csv(client.get(f"/sheets/staff.csv?site={week.site_id}"))
    assert rows[0][:5] == ["Name", "Role", "Certified", "Home site", "Active"]
    assert rows[0][-4:] == ["CF level", "CF valid until", "RPHV level", "RPHV valid until"]
    by_name = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert list(by_name) == ["Pat", "Quin", "Ann", "Ben", "Cat", "Dov"]
    assert by_name["Ann"]["CF level"] == "independent"
    assert by_name["Ann"]["CF valid until"] == "2027-03-01"
    assert by_name["Ann"]["Min hours a week"] == "16"
    assert by_name["Pat"]["RPHV level"] == "independent"
    assert by_name["Pat"]["CF level"] == ""
    book = openpyxl.load_workbook(io.BytesIO(client.get("/sheets/staff.xlsx").data))
    assert book.sheetnames == ["Staff", "Competencies"]
    assert book["Staff"].freeze_panes == "B2"
    assert any("C2:C" in str(v.sqref) for v in book["Staff"].data_validations.dataValidation)
    ann_row = next(r for r in book["Staff"].iter_rows(values_only=True) if r[0] == "Ann")
    assert ann_row[-4] == "independent"
    assert ann_row[-3].date() == date(2027, 3, 1)  # a real date cell


# ----- preview, then confirm ------------------------------------------------------------------


def test_the_preview_saves_nothing_until_confirmed(client, login, week, app):
    ann = person("Ann")
    ann.skills[0].signed_off_at = ann.skills[0].signed_off_by_id = None
    db.session.commit()
    login("supervisor")
    before = counts()
    content = (
        f"{HEADER}\n"
        "Eve,trainee,no,Tiny Pharmacy,yes,observe,2030-12-31\n"
        "ann,technician,yes,tiny pharmacy,yes,trainer,\n"
        "Ben,technician,no,Tiny Pharmacy,yes,independent,\n"
    ).encode()
    token = token_of(upload(client, content))
    html = client.get(f"/sheets/staff/import/{token}").get_data(as_text=True)
    for outcome in ("New person", "Update", "Unchanged"):
        assert outcome in html
    assert "CF: observe, valid until Tue 31 Dec 2030" in html
    assert "Certified: no \u2192 yes" in html
    assert "Name: Ann \u2192 ann" in html  # matched by name, case ignored; the file's spelling
    assert "CF: independent, no end date \u2192 trainer, no end date" in html
    assert "Import 2 changes" in html
    assert counts() == before
    assert person("Eve") is None
    assert not person("Ann").certified
    stored = pending.load(token, 1)
    assert stored is not None
    assert stored.data == content  # the upload is kept on the server

    done = client.post(f"/sheets/staff/import/{token}/confirm", follow_redirects=True)
    assert "1 new, 1 updated, 1 unchanged" in done.get_data(as_text=True)
    db.session.expire_all()
    eve = person("Eve")
    assert eve.role is StaffRole.TRAINEE
    assert eve.min_minutes_per_week == 0
    assert [(s.level, s.valid_until) for s in eve.skills] == [
        (SkillLevel.OBSERVE, date(2030, 12, 31))
    ]
    assert person("Ann") is None
    assert person("ann").certified
    assert person("ann").skills[0].level is SkillLevel.TRAINER
    assert counts() == (before[0] + 1, before[1] + 1)
    # The upload is gone: confirming again saves nothing more.
    again = client.post(f"/sheets/staff/import/{token}/confirm", follow_redirects=True)
    assert "expired or was already used" in again.get_data(as_text=True)
    assert counts() == (before[0] + 1, before[1] + 1)
    assert not list((pending._folder()).glob("*.json"))


def test_a_blank_level_removes_a_competency_and_a_new_level_loses_its_sign_off(client, login, week):
    pat, ann = person("Pat"), person("Ann")
    ann.skills[0].signed_off_by = pat
    db.session.commit()
    login("supervisor")
    content = (
        b"Name,Role,Home site,CF level,RPHV level,RPHV valid until\n"
        b"Ann,technician,Tiny Pharmacy,trainer,,\n"
        b"Pat,pharmacist,Tiny Pharmacy,,independent,2027-01-31\n"
    )
    token = token_of(upload(client, content))
    html = client.get(f"/sheets/staff/import/{token}").get_data(as_text=True)
    assert "RPHV: independent, no end date \u2192 independent, valid until Sun 31 Jan 2027" in html
    client.post(f"/sheets/staff/import/{token}/confirm")
    db.session.expire_all()
    ann, pat = person("Ann"), person("Pat")
    assert ann.skills[0].level is SkillLevel.TRAINER
    assert ann.skills[0].signed_off_by_id is None
    assert [(s.competency.code, s.valid_until) for s in pat.skills] == [("RPHV", date(2027, 1, 31))]
    assert ann.min_minutes_per_week == 960  # a column left out stays as it was


def test_confirm_reads_the_stored_upload_not_the_posted_form(client, login, week):
    login("supervisor")
    token = token_of(upload(client, f"{HEADER}\nEve,trainee,no,Tiny Pharmacy,yes,,\n".encode()))
    client.get(f"/sheets/staff/import/{token}")
    forged = f"{HEADER}\nMallory,pharmacist,no,Tiny Pharmacy,yes,trainer,\n".encode()
    client.post(
        f"/sheets/staff/import/{token}/confirm",
        **multipart({"file": FileStorage(io.BytesIO(forged), "x.csv"), "rows": "Mallory"}),
    )
    assert person("Eve") is not None
    assert person("Mallory") is None


def test_another_account_or_an_old_upload_cannot_be_confirmed(client, login, week, make_user):
    login("supervisor", email="one@example.org")
    token = token_of(upload(client, f"{HEADER}\nEve,trainee,no,Tiny Pharmacy,yes,,\n".encode()))
    client.get(f"/sheets/staff/import/{token}")
    client.post("/auth/logout")
    login("supervisor", email="two@example.org")
    before = counts()
    assert client.get(f"/sheets/staff/import/{token}").status_code == 302
    page = client.post(f"/sheets/staff/import/{token}/confirm", follow_redirects=True)
    assert "expired or was already used" in page.get_data(as_text=True)
    assert counts() == before
    # The owner, an hour later: expired, and deleted.
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "one@example.org", "password": "password-1"})
    path = pending._folder() / f"{token}.json"
    record = json.loads(path.read_text())
    record["created"] -= pending.LIFETIME_SECONDS + 1
    path.write_text(json.dumps(record))
    client.post(f"/sheets/staff/import/{token}/confirm")
    assert counts() == before
    assert not path.exists()
    assert client.get("/sheets/staff/import/../../etc/passwd").status_code in (302, 404)


def test_records_changed_since_the_preview_must_be_previewed_again(client, login, week):
    login("supervisor")
    token = token_of(upload(client, f"{HEADER}\nAnn,technician,yes,Tiny Pharmacy,yes,,\n".encode()))
    client.get(f"/sheets/staff/import/{token}")
    person("Ann").role = StaffRole.PHARMACIST  # someone edits Ann meanwhile
    db.session.commit()
    page = client.post(f"/sheets/staff/import/{token}/confirm")
    assert page.status_code == 200
    assert "changed since this preview" in page.get_data(as_text=True)
    db.session.expire_all()
    assert not person("Ann").certified
    client.post(f"/sheets/staff/import/{token}/confirm")
    db.session.expire_all()
    assert person("Ann").certified
    assert person("Ann").role is StaffRole.TECHNICIAN


def test_cancel_forgets_the_upload(client, login, week):
    login("supervisor")
    token = token_of(upload(client, f"{HEADER}\nEve,trainee,no,Tiny Pharmacy,yes,,\n".encode()))
    page = client.post(f"/sheets/staff/import/{token}/cancel", follow_redirects=True)
    assert "nothing was saved" in page.get_data(as_text=True)
    client.post(f"/sheets/staff/import/{token}/confirm")
    assert person("Eve") is None


# ----- bad files ------------------------------------------------------------------------------

BAD_PREVIEWS = {
    "wrong columns": (
        b"Name,Job,Home site\nEve,technician,Tiny Pharmacy\n",
        [
            "Row 1, column B (Job): \u201cJob\u201d is not a column of the staff file",
            "Row 1: the column \u201cRole\u201d is missing",
        ],
    ),
    "unknown competency": (
        b"Name,Role,Home site,XYZ level\nEve,technician,Tiny Pharmacy,independent,oops\n",
        [
            "Row 1, column D (XYZ level): no competency has the code or name \u201cXYZ\u201d",
            "Row 1, column E: has data but no heading.",
        ],
    ),
    "duplicate person": (
        b"Name,Role,Home site\nEve,trainee,Tiny Pharmacy\nEVE,trainee,Tiny Pharmacy\n",
        ["Row 3, column A (Name): EVE is already in row 2; each person may appear only once."],
    ),
    "unknown site, bad level, bad date, bad number": (
        b"Name,Role,Home site,CF level,CF valid until,Min hours a week\n"
        b"Eve,trainee,Moon Base,expert,31/12/2026,200\n",
        [
            "Row 2, column C (Home site): there is no site called \u201cMoon Base\u201d; use one "
            "of: Tiny Pharmacy.",
            "Row 2, column D (CF level): \u201cexpert\u201d is not a level",
            "Row 2, column E (CF valid until): \u201c31/12/2026\u201d is not a date; write it as "
            "YYYY-MM-DD",
            "Row 2, column F (Min hours a week): 200 is out of range",
        ],
    ),
    "heading only": (
        b"Name,Role,Home site\n",
        ["Row 2: the file has a heading row but nobody under it."],
    ),
}


@pytest.mark.parametrize("case", list(BAD_PREVIEWS))
def test_a_bad_file_is_previewed_with_each_problem_named_and_saves_nothing(
    client, login, week, case
):
    content, messages = BAD_PREVIEWS[case]
    login("supervisor")
    before = counts()
    token = token_of(upload(client, content))
    page = client.get(f"/sheets/staff/import/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True).replace("&#34;", '"')
    for message in messages:
        assert message in html
    assert 'disabled aria-disabled="true"' in html
    assert client.post(f"/sheets/staff/import/{token}/confirm").status_code == 200
    assert counts() == before
    assert person("Eve") is None


def test_a_valid_until_before_its_sign_off_is_named_by_row_and_column(client, login, week):
    """A level the import changes is signed off today; a kept one on its trainer's sign-off day.

    A person new to the database is not checked: the file is their record (a restore).
    """
    ann, pat = person("Ann"), person("Pat")
    site = ann.home_site
    today = datetime.now(ZoneInfo(site.timezone)).date()
    signed = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    ann.skills[0].signed_off_by, ann.skills[0].signed_off_at = pat, signed
    level = ann.skills[0].level.value
    db.session.commit()
    login("supervisor")
    before = counts()
    yesterday = today - timedelta(days=1)
    content = (
        f"Name,Role,Home site,CF level,CF valid until\n"
        f"Ben,technician,Tiny Pharmacy,trainer,{yesterday.isoformat()}\n"
        f"Ann,technician,Tiny Pharmacy,{level},2026-03-03\n"
        f"Pat,pharmacist,Tiny Pharmacy,trainer,{today.isoformat()}\n"
    ).encode()
    token = token_of(upload(client, content))
    html = client.get(f"/sheets/staff/import/{token}").get_data(as_text=True)
    assert (
        f"Row 2, column E (CF valid until): valid until {day(yesterday)} is before the "
        f"sign-off date: the import records the level today, {day(today)} "
        f"({site.timezone}). Enter that day or a later one."
    ) in html
    assert (
        "Row 3, column E (CF valid until): valid until Tue 3 Mar 2026 is before the "
        "sign-off date: it was signed off on Wed 4 Mar 2026. Enter that day or a later "
        "one."
    ) in html
    assert "Row 4, column E" not in html  # valid until the day it is recorded: one valid day
    client.post(f"/sheets/staff/import/{token}/confirm")
    assert counts() == before
    assert person("Ben").skills[0].valid_until != yesterday


def test_one_bad_row_stops_the_whole_import(client, login, week):
    login("supervisor")
    before = counts()
    token = token_of(
        upload(
            client,
            f"{HEADER}\nEve,trainee,no,Tiny Pharmacy,yes,,\n"
            "Fay,wizard,no,Tiny Pharmacy,yes,,\n".encode(),
        )
    )
    html = client.get(f"/sheets/staff/import/{token}").get_data(as_text=True)
    assert "Row 3, column B (Role): \u201cwizard\u201d is not a role" in html
    client.post(f"/sheets/staff/import/{token}/confirm")
    assert counts() == before


BAD_UPLOADS = {
    "non-UTF-8 bytes": (
        b"Name,Role,Home site\nRen\xe9e,technician,Tiny Pharmacy\n",
        "staff.csv",
        "The file is not UTF-8 text",
    ),
    "an empty file": (b"", "staff.csv", "The file is empty."),
    "only blank lines": (b"\r\n\r\n", "staff.csv", "The file is empty."),
    "a 10 MB file": (
        b"Name,Role,Home site\n" + b"x" * (10 * MB),
        "staff.csv",
        "The file is 10.0 MB; the largest file accepted is 2 MB.",
    ),
    "a damaged workbook": (
        b"PK\x03\x04 not really a workbook",
        "staff.xlsx",
        "could not be read as an Excel workbook",
    ),
    "another kind of file": (b"%PDF-1.7", "staff.pdf", "Upload a .csv or .xlsx file."),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_an_unreadable_upload_is_refused_beside_the_field(client, login, week, case):
    content, filename, message = BAD_UPLOADS[case]
    login("supervisor")
    before = counts()
    page = upload(client, content, filename)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'id="file-error"' in html
    assert message in html
    assert counts() == before
    assert not list(pending._folder().glob("*.json"))


def test_no_file_chosen(client, login, week):
    login("supervisor")
    page = client.post("/sheets/staff/import", data={}, content_type="multipart/form-data")
    assert page.status_code == 400
    assert "Choose a file to upload." in page.get_data(as_text=True)


@pytest.mark.parametrize("csrf", [False, True])
def test_an_upload_over_the_request_limit_still_gets_the_page(
    client, login, week, app, monkeypatch, csrf
):
    """A deployment's MAX_CONTENT_LENGTH, or an upload past the ceiling, is no bare 413."""
    app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    login("supervisor")
    app.config["WTF_CSRF_ENABLED"] = csrf
    token = {}
    if csrf:
        form = client.get("/sheets/staff/import").get_data(as_text=True)
        token["csrf_token"] = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', form
        ).group(1)
    before = counts()
    page = upload(client, b"x" * (10 * MB), **token)
    assert page.status_code == 400
    assert "The file is 10 MB" in page.get_data(as_text=True)
    monkeypatch.setattr(sheets_view, "UPLOAD_CEILING", MB // 2)
    page = upload(client, b"x" * (10 * MB), **token)
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'id="file-error"' in html
    assert "the largest file accepted is 2 MB" in html
    assert counts() == before


def test_a_technician_past_the_ceiling_gets_403_not_the_upload_page(
    client, login, week, monkeypatch
):
    monkeypatch.setattr(sheets_view, "UPLOAD_CEILING", MB // 2)
    login("technician", staff=person("Ann"))
    page = upload(client, b"x" * (3 * MB))
    assert page.status_code == 403
    assert "Staff file" not in page.get_data(as_text=True)


def test_a_semicolon_csv_from_a_european_excel_is_read(client, login, week):
    login("supervisor")
    token = token_of(
        upload(
            client,
            "Name;Role;Home site;Min hours a week\nEve;trainee;Tiny Pharmacy;37,5\n".encode(
                "utf-8-sig"
            ),
        )
    )
    client.get(f"/sheets/staff/import/{token}")
    client.post(f"/sheets/staff/import/{token}/confirm")
    assert person("Eve").min_minutes_per_week == 2250


# ----- formula injection ----------------------------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://x","y")',
    "+1+2",
    "-3+cmd|'/c calc'!A0",
    "@SUM(A1)",
    "'=already marked",
]


def test_formulas_in_names_are_neutralised_and_round_trip(client, login, week, make_staff):
    for name in FORMULAS:
        make_staff(week.site, name)
    week.assignments.append(
        RotaAssignment(
            staff=person(FORMULAS[0]),
            on_date=MONDAY,
            shift_type=week.site.shift_types[1],
            station=week.site.stations[0],
        )
    )
    db.session.commit()
    login("supervisor")
    exported = client.get(f"/sheets/staff.csv?site={week.site_id}")
    names = [r[0] for r in read_csv(exported)[1:]]
    for name in FORMULAS:
        assert "'" + name in names
    text = exported.data.decode("utf-8-sig")
    for start in "=+-@":
        assert f"\n{start}" not in text
    people = [r[0] for r in read_csv(client.get(_week_url(week, "by-person.csv")))[1:]]
    assert "'" + FORMULAS[0] in people
    chart = read_csv(client.get(_week_url(week, "by-station.csv")))
    assert any(cell.startswith("'=HYPERLINK") for row in chart for cell in row)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/sheets/staff.xlsx").data))
    cells = [row[0] for row in book["Staff"].iter_rows(min_row=2)]
    marked = {c.value: c for c in cells}
    for name in FORMULAS:
        assert marked[name].data_type == "s"  # text, not a formula
    assert marked[FORMULAS[0]].quotePrefix
    # Importing the CSV export gives back the names exactly: nothing changes.
    token = token_of(upload(client, exported.data))
    html = client.get(f"/sheets/staff/import/{token}").get_data(as_text=True)
    assert "Every row matches the records already" in html


def test_the_staff_page_links_export_and_import(client, login, week):
    login("supervisor")
    html = client.get(f"/staff/?site={week.site_id}").get_data(as_text=True)
    assert f"/sheets/staff.csv?site={week.site_id}" in html
    assert "/sheets/staff/import" in html
    upload_page = client.get("/sheets/staff/import")
    assert upload_page.status_code == 200
    assert 'enctype="multipart/form-data"' in upload_page.get_data(as_text=True)


def test_a_site_that_does_not_exist_has_no_staff_file(client, login, week):
    login("supervisor")
    assert client.get("/sheets/staff.csv?site=999").status_code == 404
    assert client.get("/sheets/staff.csv?site=abc").status_code == 404
