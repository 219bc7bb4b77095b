"""No 500 for anything a user can type: dates outside 2000 to 2100, and sensible defaults.

Weeks at either end of Python's calendar have no neighbour, and nobody plans a rota in
year 9999: the app works with 2000 to 2100 (scheduler/dates.py), says so on a week page
asked for outside it, and refuses such a date beside the field on every form. Also here:
the supervisor's leave form starts on annual leave, the suggest page speaks hours, and
the browser's /favicon.ico is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO
from urllib.parse import urlencode

import pytest

from scheduler import dates
from scheduler.extensions import db
from scheduler.models import Leave, RotaAssignment

from .fuzzing import REDIRECTS, Browser, FuzzWorld, PageForm, build_world

RANGE_MESSAGE = "Give a date between 2000 and 2100."
FIRST_WEEK = dates.FIRST_MONDAY.isoformat()  # 2000-01-03
LAST_WEEK = dates.LAST_MONDAY.isoformat()


@pytest.fixture
def world(tiny_site) -> FuzzWorld:
    """The seeded pharmacy of the fuzz tests: people, leave, rotas and an account per role."""
    return build_world(tiny_site)


def _error_beside(html: str, field: str) -> str:
    """The message shown under a form field ('' when it has none)."""
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def _filled(form: PageForm, typed: dict[str, str]) -> list[tuple[str, str]]:
    """The form as its page shows it, with ``typed`` entered and its first button pressed."""
    shown = {n: c.default for n, c in form.controls.items()}
    filled = shown | {n: [v] for n, v in typed.items()}
    return [(n, v) for n, values in filled.items() for v in values] + form.submits[:1]


# ----- weeks ------------------------------------------------------------------------------------


@pytest.mark.parametrize("week", ["9999-12-27", "0001-01-01", "1999-12-27", "2101-01-03"])
def test_a_week_outside_the_supported_years_says_why(client, login, tiny_site, week):
    """The far ends of the calendar (whose neighbouring weeks do not exist) answer 404 in words."""
    login("supervisor")
    page = client.get(f"/rotas/{tiny_site.id}/{week}")
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "The app plans weeks from Mon 3 Jan 2000" in html
    assert "between 2000 and 2100" in html


@pytest.mark.parametrize(
    ("week", "beyond", "said"),
    [
        (FIRST_WEEK, "1999-12-27", "The first week the app plans"),
        (LAST_WEEK, (dates.LAST_MONDAY + timedelta(7)).isoformat(), "The last week the app plans"),
    ],
)
def test_the_first_and_last_weeks_show_and_link_no_further(
    client, login, tiny_site, week, beyond, said
):
    """The edge weeks show; instead of a link past the range they say they are the edge."""
    login("supervisor")
    page = client.get(f"/rotas/{tiny_site.id}/{week}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert said in html
    assert f"/rotas/{tiny_site.id}/{beyond}" not in html
    assert client.get(f"/rotas/{tiny_site.id}/{beyond}").status_code == 404


@pytest.mark.parametrize("week", ["9999-12-27", "0001-01-01"])
def test_every_page_addressed_by_a_week_says_why_outside_the_range(app, client, login, world, week):
    """The week page, the sick call, the suggest page and the exports: 404 in words, no 500."""
    login("supervisor")
    query = urlencode({"on_date": week, "shift": world.day.id, "station": world.fill.id})
    pages = [
        rule.rule.replace("<int:site_id>", str(world.site.id)).replace("<week>", week)
        for rule in app.url_map.iter_rules()
        if "<week>" in rule.rule and "GET" in rule.methods
    ]
    assert len(pages) >= 5
    for page in pages:
        answer = client.get(f"{page}?{query}")
        assert answer.status_code == 404, page
        assert "between 2000 and 2100" in answer.get_data(as_text=True), page


def test_wishes_for_a_week_outside_the_range_say_why(client, login, tiny_site):
    """The offers-and-wishes list takes its week from the query: outside the range, 404 in words."""
    login("supervisor")
    page = client.get(f"/staff/wishes?site={tiny_site.id}&week=9999-12-31")
    assert page.status_code == 404
    assert "between 2000 and 2100" in page.get_data(as_text=True)
    first = client.get(f"/staff/wishes?site={tiny_site.id}&week={FIRST_WEEK}")
    assert first.status_code == 200
    assert "The first week the app plans" in first.get_data(as_text=True)


# ----- forms ------------------------------------------------------------------------------------


def test_leave_in_year_9999_is_refused_beside_the_field_and_nothing_is_saved(app, client, world):
    """The supervisor records leave for someone: year 9999 is refused where it was typed."""
    browser = Browser(app, client, world.users["supervisor"])
    url = f"/staff/leave/new?site={world.site.id}"
    form = browser.form(url, url)
    assert form.controls["start_date"].attrs["min"] == "2000-01-01"
    assert form.controls["start_date"].attrs["max"] == "2100-12-31"
    leave_before = db.session.scalar(db.select(db.func.count(Leave.id)))
    person = str(world.people["Dov"].id)
    typed = {"staff_id": person, "start_date": "9999-12-30", "end_date": "9999-12-31"}
    outcome = browser.post(url, _filled(form, typed))
    assert outcome.status not in REDIRECTS
    assert outcome.changed == []
    assert _error_beside(outcome.html, "start_date") == RANGE_MESSAGE
    assert _error_beside(outcome.html, "end_date") == RANGE_MESSAGE
    assert db.session.scalar(db.select(db.func.count(Leave.id))) == leave_before


@dataclass(frozen=True)
class DateCase:
    """A form with a date field, and what else it needs to be accepted."""

    label: str
    role: str
    page: str  # where the form is shown
    action: str  # where it posts
    field: str
    fine: str  # a day in range the form accepts ({today+N} means N days after today)
    typed: dict[str, str]


FORMS = [
    DateCase(
        "my leave", "technician", "/me/leave/new", "/me/leave/new", "end_date", "{today+90}",
        {"start_date": "{today+90}"},
    ),
    DateCase(
        "my shift request", "technician", "/me/requests/new", "/me/requests/new", "on_date",
        "{today+60}", {"want": "yes"},
    ),
    DateCase(
        "CE hours", "technician", "/me/ce", "/me/ce", "on_date", "{today-3}",
        {"hours": "1", "topic": "Law update"},
    ),
    DateCase(
        "a certification", "supervisor", "/staff/{ben}/certifications/new",
        "/staff/{ben}/certifications/new", "expires", "{today+300}", {"name": "CSPT"},
    ),
    DateCase(
        "cover on a date", "supervisor", "/setup/stations/{fill}/cover",
        "/setup/stations/{fill}/cover/dates", "on_date", "{today+20}",
        {"shift_type_id": "{day}", "minimum": "1", "ideal": "2"},
    ),
]  # fmt: skip


def _fill_in(text: str, w: FuzzWorld) -> str:
    """A case's text with the world's ids and days put in."""
    text = re.sub(
        r"\{today([+-]\d+)\}", lambda m: (w.today + timedelta(int(m.group(1)))).isoformat(), text
    )
    return text.format(ben=w.people["Ben"].id, fill=w.fill.id, day=w.day.id)


@pytest.mark.parametrize("case", FORMS, ids=lambda c: c.label)
@pytest.mark.parametrize("day", ["9999-12-31", "1999-12-31", "2101-01-01"])
def test_every_date_field_takes_only_the_supported_years(app, client, world, case, day):
    """Out of range: refused beside the field, nothing saved; a day in range is accepted."""
    browser = Browser(app, client, world.users[case.role])
    page, action = _fill_in(case.page, world), _fill_in(case.action, world)
    form = browser.form(page, action)
    control = form.controls[case.field]
    assert control.attrs["min"] == "2000-01-01"
    assert control.attrs["max"] <= "2100-12-31"
    typed = {k: _fill_in(v, world) for k, v in case.typed.items()}
    refused = browser.post(action, _filled(form, typed | {case.field: day}))
    assert refused.status not in REDIRECTS
    assert refused.changed == []
    assert _error_beside(refused.html, case.field) == RANGE_MESSAGE
    accepted = browser.post(action, _filled(form, typed | {case.field: _fill_in(case.fine, world)}))
    errors = re.findall(r'<p class="error" id="([^"]+)-error">', accepted.html)
    assert accepted.status in REDIRECTS, errors
    assert accepted.changed


def test_the_audit_filter_refuses_a_date_outside_the_range(client, login):
    """A GET filter's date: 400, with the message beside the field."""
    login("supervisor")
    page = client.get("/audit/?" + urlencode({"start": "0001-01-01", "end": "9999-12-31"}))
    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert _error_beside(html, "start") == RANGE_MESSAGE
    assert _error_beside(html, "end") == RANGE_MESSAGE


@pytest.mark.parametrize("page", ["/audit/", "/signoff/history"])
def test_a_page_number_past_the_database_is_the_first_page(client, login, page):
    """?page= beyond what the database can skip to shows the list instead of failing."""
    login("supervisor")
    assert client.get(f"{page}?page={'9' * 20}").status_code == 200


def test_a_staff_file_with_a_date_in_year_9999_is_refused_with_its_row(client, login, tiny_site):
    """The staff import says which cell holds a date outside the range; nothing is imported."""
    login("supervisor")
    data = (
        "Name,Role,Home site,CF level,CF valid until\n"
        f"Ann,technician,{tiny_site.name},independent,9999-12-31\n"
    ).encode()
    page = client.post(
        "/sheets/staff/import",
        data={"file": (BytesIO(data), "staff.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = page.get_data(as_text=True)
    assert page.status_code < 500
    assert "9999-12-31" in html
    assert RANGE_MESSAGE in html


# ----- defaults ---------------------------------------------------------------------------------


def test_the_supervisors_leave_form_starts_on_annual_leave(client, login, tiny_site):
    """Most leave a supervisor records is planned holiday, so the form starts there."""
    login("supervisor")
    html = client.get(f"/staff/leave/new?site={tiny_site.id}").get_data(as_text=True)
    chosen = re.search(r'<select[^>]*name="kind".*?</select>', html, re.S).group(0)
    assert re.search(r'<option selected value="annual">|<option value="annual" selected', chosen)
    assert not re.search(r'value="sick" selected|selected value="sick"', chosen)


def test_the_browser_finds_the_icon_signed_in_or_not(client, login):
    """/favicon.ico answers with an icon, and every page links one."""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/x-icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    icon.close()
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'rel="icon"' in html
    drawing = client.get("/static/favicon.svg")
    assert drawing.status_code == 200
    drawing.close()


def test_the_suggest_page_speaks_hours_not_minutes(client, login, world):
    """A contract's most hours are said in hours ('40 h'), on the suggest page and the week."""
    login("supervisor")
    w = world
    ben, sunday = w.people["Ben"], w.rota.week_start + timedelta(days=6)
    for d in (4, 5):  # Ben: Monday to Thursday evenings already; Friday and Saturday too
        w.rota.assignments.append(
            RotaAssignment(
                staff=ben,
                on_date=w.rota.week_start + timedelta(d),
                shift_type=w.eve,
                station=w.fill,
            )
        )
    db.session.commit()
    query = urlencode({"on_date": sunday.isoformat(), "shift": w.eve.id, "station": w.fill.id})
    page = client.get(f"/rotas/{w.site.id}/{w.week}/replacements?{query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Ben: 48 h already rostered of the contract&#39;s 40 h" in html
    assert "minutes" not in html
    week = client.get(f"/rotas/{w.site.id}/{w.week}").get_data(as_text=True)
    assert "Ben&#39;s contract: at most 40 h over the 7 days, but works 48 h" in week
    assert "minutes" not in week
