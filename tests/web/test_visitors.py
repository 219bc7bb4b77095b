"""Visitors shown where they are: a person's shifts at another site of their group.

A group solve stores a visitor's shift in the host site's rota. The home site's week
page (by person), its print sheets and CSV, and the person's calendar show that shift
as "at <host>: ..." instead of a day off, and count it in the hours.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from icalendar import Calendar

from scheduler.extensions import db
from scheduler.models import RotaStatus, SiteGroup, SiteKind

from .conftest import MONDAY

TUESDAY = MONDAY + timedelta(days=1)
WEDNESDAY = MONDAY + timedelta(days=2)
THURSDAY = MONDAY + timedelta(days=3)
FRIDAY = MONDAY + timedelta(days=4)
VISIT = "at Riverside Hospital: IV room, day, trainee with Nora"


@pytest.fixture
def group(make_site, make_shift, make_competency, make_station, make_staff, make_rota):
    """A retail pharmacy and a hospital planned together, each with its published week.

    Sam (home: Hub Pharmacy) works the counter on Monday and Wednesday and trains in
    the hospital's IV room beside Nora on Tuesday; Lou (home: Hub Pharmacy) works only
    at the hospital, on Friday.
    """
    hub = make_site("Hub Pharmacy", kind=SiteKind.RETAIL)
    hospital = make_site("Riverside Hospital")
    db.session.add(SiteGroup(name="Riverside Health", sites=[hospital, hub]))
    iv, fill = make_competency("IV"), make_competency("FILL")
    w = {
        "hub": hub,
        "hospital": hospital,
        "hub_day": make_shift(hub, "D", (9, 0), (17, 0), name="Day"),
        "day": make_shift(hospital, "D", (7, 0), (15, 0), name="Day"),
        "counter": make_station(hub, "Counter", [fill]),
        "iv": make_station(hospital, "IV room", [iv]),
        "sam": make_staff(hub, "Sam", {fill: "independent", iv: "observe"}),
        "lou": make_staff(hub, "Lou", {fill: "independent", iv: "independent"}),
        "nora": make_staff(hospital, "Nora", {iv: "trainer"}),
    }
    w["hub_rota"] = make_rota(
        hub,
        rows=[
            (w["sam"], MONDAY, w["hub_day"], w["counter"]),
            (w["sam"], WEDNESDAY, w["hub_day"], w["counter"]),
        ],
    )
    w["hospital_rota"] = make_rota(
        hospital,
        rows=[
            (w["nora"], TUESDAY, w["day"], w["iv"]),
            (w["sam"], TUESDAY, w["day"], w["iv"], "trainee", w["nora"]),
            (w["lou"], FRIDAY, w["day"], w["iv"]),
        ],
    )
    db.session.commit()
    return w


def hospital_draft(w):
    """A newer draft of the hospital's week that moves Sam's training to Thursday."""
    draft = w["hospital_rota"]
    rows = [
        (w["nora"], THURSDAY, w["day"], w["iv"]),
        (w["sam"], THURSDAY, w["day"], w["iv"], "trainee", w["nora"]),
    ]
    return rows, draft.version + 1


def text_of(html: str) -> str:
    """Visible text of a piece of HTML, with runs of white space made one space."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def by_person_row(html: str, name: str) -> list[str]:
    """The cells' texts of a person's row in the week page's by-person table:
    the person, one cell per day, then the hours."""
    table = html[html.index('id="by-person"') : html.index('id="explanation"')]
    for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        if cells and text_of(cells[0]).startswith(f"{name} "):
            return [text_of(c) for c in cells]
    raise AssertionError(f"no by-person row for {name}")


def hours(*shifts) -> str:
    """The hours of some shifts as the pages write them, e.g. '24 h'."""
    return f"{sum(s.minutes for s in shifts) / 60:g} h"


# ----- the week page, by person ---------------------------------------------------------


def test_the_home_week_shows_a_shift_at_the_host_with_its_site_not_off(client, login, group):
    w = group
    login("supervisor")
    html = client.get(f"/rotas/{w['hub'].id}/{MONDAY}").get_data(as_text=True)
    sam = by_person_row(html, "Sam")
    monday, tuesday, wednesday = sam[1], sam[2], sam[3]
    assert tuesday == VISIT
    assert "off" not in tuesday
    assert monday.startswith("D Counter")
    assert wednesday.startswith("D Counter")
    assert sam[5] == "off"  # Friday: nowhere in the group
    expected = hours(w["hub_day"], w["hub_day"], w["day"])
    assert sam[-1] == f"{expected} incl. {hours(w['day'])} at Riverside Hospital"
    lou = by_person_row(html, "Lou")
    assert lou[5] == "at Riverside Hospital: IV room, day"
    assert lou[-1] == f"{hours(w['day'])} incl. {hours(w['day'])} at Riverside Hospital"
    assert "latest published version" in text_of(html)


def test_a_visitors_row_at_the_host_shows_their_home_shifts_too(client, login, group):
    w = group
    login("supervisor")
    html = client.get(f"/rotas/{w['hospital'].id}/{MONDAY}").get_data(as_text=True)
    sam = by_person_row(html, "Sam")
    assert sam[1] == "at Hub Pharmacy: Counter, day"
    assert sam[2] == "D IV room trainee ← Nora"
    assert sam[-1].startswith(hours(w["hub_day"], w["hub_day"], w["day"]))
    nora = by_person_row(html, "Nora")
    assert nora[-1] == hours(w["day"])  # nothing elsewhere: no note


def test_a_draft_reads_the_hosts_latest_version_and_a_published_one_its_published(
    client, login, group, make_rota
):
    w = group
    rows, version = hospital_draft(w)
    make_rota(w["hospital"], status=RotaStatus.DRAFT, rows=rows, version=version)
    make_rota(
        w["hub"],
        status=RotaStatus.DRAFT,
        rows=[(w["sam"], MONDAY, w["hub_day"], w["counter"])],
        version=2,
    )
    db.session.commit()
    login("supervisor")
    published = client.get(f"/rotas/{w['hub'].id}/{MONDAY}?version=1").get_data(as_text=True)
    sam = by_person_row(published, "Sam")
    assert (sam[2], sam[4]) == (VISIT, "off")
    draft = client.get(f"/rotas/{w['hub'].id}/{MONDAY}?version=2").get_data(as_text=True)
    sam = by_person_row(draft, "Sam")
    assert (sam[2], sam[4]) == ("off", VISIT)
    assert "latest version, draft or published" in text_of(draft)


def test_a_site_alone_shows_no_visits(client, login, group):
    w = group
    w["hub"].group = None
    db.session.commit()
    login("supervisor")
    html = client.get(f"/rotas/{w['hub'].id}/{MONDAY}").get_data(as_text=True)
    sam = by_person_row(html, "Sam")
    assert sam[2] == "off"
    assert sam[-1] == hours(w["hub_day"], w["hub_day"])
    assert "Riverside Hospital" not in text_of(html)


# ----- print and spreadsheet ----------------------------------------------------------------


def test_the_person_sheet_lists_the_shift_at_the_host_from_its_published_rota(
    client, login, group, make_rota
):
    w = group
    rows, version = hospital_draft(w)
    make_rota(w["hospital"], status=RotaStatus.DRAFT, rows=rows, version=version)
    db.session.commit()
    login("supervisor")
    page = client.get(f"/print/rota/{w['hub_rota'].id}/person/{w['sam'].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    lines = [text_of(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)]
    tuesday = next(line for line in lines if line.startswith("Tue 3 Mar"))
    assert "At Riverside Hospital: IV room" in tuesday
    assert "Trainee with Nora" in tuesday
    assert "07:00–15:00" in tuesday
    thursday = next(line for line in lines if line.startswith("Thu 5 Mar"))
    assert thursday.endswith("Off")  # the hospital's draft is not handed to staff
    total = hours(w["hub_day"], w["hub_day"], w["day"])
    assert f"3 shift(s), {total} this week (incl. {hours(w['day'])} at Riverside Hospital" in (
        text_of(html)
    )


def test_the_print_pack_has_a_sheet_for_someone_working_only_at_the_host(client, login, group):
    w = group
    login("supervisor")
    text = text_of(client.get(f"/print/rota/{w['hub_rota'].id}").get_data(as_text=True))
    assert "Person sheet: Lou" in text
    assert "Person sheet: Sam" in text
    page = client.get(f"/print/rota/{w['hub_rota'].id}/person/{w['lou'].id}")
    assert "At Riverside Hospital: IV room" in text_of(page.get_data(as_text=True))


def test_the_by_person_csv_says_where_the_shift_is_and_counts_its_hours(client, login, group):
    w = group
    login("supervisor")
    page = client.get(f"/sheets/week/{w['hub'].id}/{MONDAY}/by-person.csv")
    rows = list(csv.reader(io.StringIO(page.data.decode("utf-8-sig"))))
    header = rows[0]
    sam = next(r for r in rows if r[0] == "Sam")
    assert sam[header.index("Tue 3 Mar")] == VISIT
    total = sum(s.minutes for s in (w["hub_day"], w["hub_day"], w["day"])) / 60
    assert float(sam[header.index("Hours")]) == total


# ----- the calendar -------------------------------------------------------------------------


def test_the_calendar_names_the_host_site_of_a_shift_there(app, client, login, group, make_user):
    w = group
    app.config["TODAY"] = MONDAY
    login(make_user("technician", email="sam@example.org", staff=w["sam"]))
    page = client.get("/calendar/download.ics")
    assert page.status_code == 200
    events = {e.start.date(): e for e in Calendar.from_ical(page.data).walk("VEVENT")}
    assert sorted(events) == [MONDAY, TUESDAY, WEDNESDAY]
    visit = events[TUESDAY]
    assert str(visit["SUMMARY"]) == "IV room at Riverside Hospital \u2013 Day shift"
    assert str(visit["LOCATION"]) == "Riverside Hospital"
    assert "Trainee with Nora" in str(visit["DESCRIPTION"])
    assert str(events[MONDAY]["SUMMARY"]) == "Counter \u2013 Day shift"
    assert str(events[MONDAY]["LOCATION"]) == "Hub Pharmacy"


def test_the_calendar_leaves_out_a_hosts_draft(app, client, login, group, make_rota, make_user):
    w = group
    app.config["TODAY"] = MONDAY
    rows, version = hospital_draft(w)
    make_rota(w["hospital"], status=RotaStatus.DRAFT, rows=rows, version=version)
    db.session.commit()
    login(make_user("technician", email="sam@example.org", staff=w["sam"]))
    page = client.get("/calendar/download.ics")
    starts = sorted(e.start.date() for e in Calendar.from_ical(page.data).walk("VEVENT"))
    assert starts == [MONDAY, TUESDAY, WEDNESDAY]
