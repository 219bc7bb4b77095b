"""The guide "Create your pharmacy": each step's page shows where one is, "Save and continue"
goes on to the next step, and cover that contradicts the opening hours is saved with a warning."""

from __future__ import annotations

import re
from datetime import time
from html import unescape

import pytest

from scheduler.extensions import db
from scheduler.models import (
    CoverRequirement,
    OpeningHours,
    ShiftType,
    Site,
    SkillLevel,
    Staff,
    StaffCompetency,
    StaffRole,
    Station,
)

SITE = {
    "name": "Corner Pharmacy",
    "kind": "retail",
    "timezone": "America/Chicago",
    "group_id": "",
    "new_group": "",
    "ratio_rule_id": "",
    **{f"opens_{d}": "08:00" for d in range(5)},
    **{f"closes_{d}": "18:00" for d in range(5)},
}
SHIFT = {"code": "D", "name": "Day", "start": "08:00", "end": "16:00", "weekdays": list("01234")}
PERSON = {
    "name": "Ann",
    "role": "technician",
    "active": "y",
    "min_hours": "0",
    "max_hours": "40",
    "max_consecutive_days": "5",
    "min_consecutive_days": "1",
    "min_consecutive_days_off": "1",
    "max_weekends_per_4_weeks": "2",
    "min_rest_hours": "10",
    "max_trainees": "1",
}


def page(client, url: str) -> str:
    """A page's text as a reader sees it (entities undone)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.get_data(as_text=True))


def stepper(html: str) -> str:
    """The guide's box at the top of the page ('' when it is not there)."""
    found = re.search(r'<nav class="card guide".*?</nav>', html, re.S)
    return found.group(0) if found else ""


def go(client, url: str, data: dict, button: str | None = "next") -> str:
    """Post a form (pressing one of the guide's buttons) and give where it leads."""
    response = client.post(url, data={**data, **({"guide": button} if button else {})})
    assert response.status_code == 302, unescape(response.get_data(as_text=True))[:2000]
    return response.headers["Location"]


@pytest.fixture
def guided(client, login):
    """A supervisor on an empty install who pressed "Create your pharmacy"."""
    login("supervisor")
    home = page(client, "/")
    assert 'action="/start/"' in home
    assert "Create your pharmacy" in home
    assert client.post("/start/").headers["Location"] == "/setup/sites/new"
    return client


def test_an_empty_install_starts_the_guide_at_its_site(guided):
    html = page(guided, "/setup/sites/new")
    box = stepper(html)
    assert "Create your pharmacy — step 1 of 7: Site and opening hours" in box
    assert re.search(r'<a href="/setup/sites/new" aria-current="step">Site and opening hours', box)
    assert box.count("To do") == 7  # each state in words
    assert "Done" not in box
    assert "<ol" in box
    assert "Leave the guide" in box
    assert ">Save and continue</button>" in html
    assert "Save and add another" not in html  # one site at a time
    assert "Skip this step" not in box  # nothing works without the site


def test_save_and_continue_walks_every_step_in_order(guided):
    client = guided
    assert go(client, "/setup/sites/new", {**SITE, "open_24_7": ""}).endswith("/shifts/new")
    site = db.session.scalar(db.select(Site))
    shifts = f"/setup/sites/{site.id}/shifts/new"
    html = page(client, shifts)
    assert "step 2 of 7: Shift types" in stepper(html)
    assert "✓ Done" in stepper(html)  # the site's step
    assert ">Save and add another shift type</button>" in html
    assert go(client, shifts, SHIFT, "more") == shifts
    assert go(client, shifts, {**SHIFT, "code": "E", "name": "Early"}) == "/skills/new"
    assert "step 3 of 7: Competencies" in stepper(page(client, "/skills/new"))
    assert go(client, "/skills/new", {"name": "Dispensing", "code": "disp"}) == (
        f"/setup/sites/{site.id}/stations/new"
    )
    stations = f"/setup/sites/{site.id}/stations/new"
    html = page(client, stations)
    assert "step 4 of 7: Stations and cover" in stepper(html)
    assert ">Save and set its cover</button>" in html
    competency = site_competency()
    cover_page = go(client, stations, {"name": "Dispensary", "competency_ids": [competency.id]})
    station = db.session.scalar(db.select(Station))
    assert cover_page == f"/setup/stations/{station.id}/cover"
    html = page(client, cover_page)
    assert ">Save and add another station</button>" in html
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    grid = {f"{part}_{day.id}_{d}": "1" for part in ("min", "ideal") for d in range(5)}
    assert go(client, cover_page, grid, "more") == stations
    assert go(client, cover_page, grid) == f"/staff/new?site={site.id}"
    people = f"/staff/new?site={site.id}"
    assert "step 5 of 7: People" in stepper(page(client, people))
    person = {**PERSON, "home_site_id": site.id}
    assert go(client, people, person, "more") == people
    assert go(client, people, {**person, "name": "Pat", "role": "pharmacist"}) == (
        f"/start/levels?site={site.id}"
    )

    levels = f"/start/levels?site={site.id}"
    html = page(client, levels)
    assert "step 6 of 7: Their competencies" in stepper(html)
    ann, pat = (db.session.scalar(db.select(Staff).where(Staff.name == n)) for n in ("Ann", "Pat"))
    assert f'name="level_{ann.id}_{competency.id}"' in html
    cells = {
        f"level_{ann.id}_{competency.id}": "independent",
        f"level_{pat.id}_{competency.id}": "",
    }
    assert go(client, levels, cells) == "/accounts/"
    held = db.session.scalars(db.select(StaffCompetency)).all()
    assert [(s.staff.name, s.level) for s in held] == [("Ann", SkillLevel.INDEPENDENT)]

    box = stepper(page(client, "/accounts/"))
    assert "step 7 of 7: Accounts" in box
    assert "Skip this step" in box  # no pharmacist-in-charge yet: it can wait
    week = re.search(r'href="(/rotas/\d+/[\d-]+)"', box).group(1)
    box = stepper(page(client, week))
    assert "last: generate the first rota" in box
    assert "Generate a new rota" in box


def site_competency():
    """The one competency made so far."""
    from scheduler.models import Competency

    return db.session.scalar(db.select(Competency))


def test_a_form_sent_without_the_guides_buttons_goes_where_it_always_did(guided):
    client = guided
    go(client, "/setup/sites/new", {**SITE, "open_24_7": "y"})
    site = db.session.scalar(db.select(Site))
    assert go(client, f"/setup/sites/{site.id}/shifts/new", SHIFT, None) == (
        f"/setup/sites/{site.id}#shifts"
    )


def test_without_the_guide_the_buttons_are_the_forms_own(client, login, make_site):
    site = make_site("Corner Pharmacy")
    db.session.commit()
    login("supervisor")
    html = page(client, f"/setup/sites/{site.id}/shifts/new")
    assert not stepper(html)
    assert "Save and continue" not in html
    assert go(client, f"/setup/sites/{site.id}/shifts/new", SHIFT) == (
        f"/setup/sites/{site.id}#shifts"
    )  # guide=next sent by hand changes nothing while the guide is off


def test_leaving_the_guide_stays_on_the_page_and_hides_the_steps(guided):
    response = guided.post("/start/leave", data={"next": "/setup/sites/new"})
    assert response.headers["Location"] == "/setup/sites/new"
    html = page(guided, "/setup/sites/new")
    assert not stepper(html)
    assert "You left the guide" in html
    away = guided.post("/start/leave", data={"next": "https://elsewhere.example/"})
    assert away.headers["Location"] == "/"  # never off the site


def test_a_done_step_offers_next_step_and_back(guided, make_site, make_shift):
    site = make_site("Corner Pharmacy")
    make_shift(site, "D", (8, 0), (16, 0), name="Day")
    db.session.commit()
    guided.post("/start/")  # started again, now there is a site
    box = stepper(page(guided, f"/setup/sites/{site.id}/shifts/new"))
    assert re.search(r'<a class="button" href="/skills/new">Next step', box)
    assert re.search(rf'href="/setup/sites/{site.id}/edit">Back', box)


def test_the_guide_shows_only_on_its_own_sites_pages(guided, make_site):
    mine, other = make_site("Corner Pharmacy"), make_site("Hill Pharmacy")
    db.session.commit()
    guided.post("/start/")  # the supervisor's pages open on the first site by name: mine
    assert stepper(page(guided, f"/setup/sites/{mine.id}/shifts/new"))
    assert not stepper(page(guided, f"/setup/sites/{other.id}/shifts/new"))


def test_pharmacists_in_charge_cannot_start_the_guide(client, login):
    login("pic")
    assert client.post("/start/").status_code == 403


def test_the_levels_page_without_people_links_to_adding_them(client, login, make_site):
    site = make_site("Corner Pharmacy")
    db.session.commit()
    login("supervisor")
    html = page(client, f"/start/levels?site={site.id}")
    assert f'href="/staff/new?site={site.id}">Add a person</a>' in html
    assert 'href="/sheets/staff/import">import a spreadsheet</a>' in html


def test_a_level_held_can_be_raised_not_cleared_in_the_grid(
    client, login, make_site, make_competency, make_station, make_staff
):
    site = make_site("Corner Pharmacy")
    fill = make_competency("CF", name="Central fill", requalify_days=365)
    make_station(site, "Fill", [fill])
    ann = make_staff(site, "Ann", {fill: "supervised"})
    ben = make_staff(site, "Ben")
    db.session.commit()
    login("supervisor")
    url = f"/start/levels?site={site.id}"
    cleared = client.post(
        url, data={f"level_{ann.id}_{fill.id}": "", f"level_{ben.id}_{fill.id}": ""}
    )
    assert cleared.status_code == 422
    assert "Not a valid choice" in cleared.get_data(as_text=True)
    data = {f"level_{ann.id}_{fill.id}": "independent", f"level_{ben.id}_{fill.id}": "observe"}
    response = client.post(url, data=data, follow_redirects=True)
    assert "Saved 2 levels at Corner Pharmacy." in unescape(response.get_data(as_text=True))
    levels = {s.staff.name: s for s in db.session.scalars(db.select(StaffCompetency))}
    assert levels["Ann"].level is SkillLevel.INDEPENDENT
    assert levels["Ben"].level is SkillLevel.OBSERVE
    assert levels["Ben"].valid_until is not None  # the requalification interval from today


# ----- cover that contradicts the opening hours ------------------------------------------


@pytest.fixture
def shop(make_site, make_shift, make_station):
    """Corner Pharmacy, open 08:00-18:00 Monday to Friday; Day (every day) and Night shifts."""
    site = make_site("Corner Pharmacy", open_24_7=False)
    for weekday in range(5):
        db.session.add(OpeningHours(site=site, weekday=weekday, opens=time(8), closes=time(18)))
    day = make_shift(site, "D", (8, 0), (16, 0), name="Day")
    night = make_shift(site, "N", (22, 0), (6, 0), name="Night")
    fill = make_station(site, "Fill")
    db.session.commit()
    return site, day, night, fill


def cover(station, cells: dict[tuple, tuple[int, int]]) -> dict[str, str]:
    """The cover grid's form data: (shift, weekday) -> (minimum, ideal)."""
    data = {}
    for (shift, weekday), (low, high) in cells.items():
        data[f"min_{shift.id}_{weekday}"] = str(low)
        data[f"ideal_{shift.id}_{weekday}"] = str(high)
    return data


def test_cover_on_a_closed_day_or_outside_the_hours_is_saved_with_a_warning(client, login, shop):
    site, day, night, fill = shop
    login("supervisor")
    cells = {(day, d): (1, 1) for d in range(7)} | {(night, 0): (0, 1), (night, 2): (1, 1)}
    response = client.post(
        f"/setup/stations/{fill.id}/cover", data=cover(fill, cells), follow_redirects=True
    )
    html = unescape(response.get_data(as_text=True))
    assert "Saved Fill's cover: 9 shift-and-day lines." in html
    assert (
        "Check: Fill asks for people on the Day shift on Saturdays, Sundays, when Corner "
        "Pharmacy is closed; and on the Night shift (22:00–06:00) on Mondays, Wednesdays, "
        "wholly outside Corner Pharmacy's opening hours those days: clear those cells, "
        "or change the opening hours." in html
    )
    lines = db.session.scalars(db.select(CoverRequirement)).all()
    assert len(lines) == 9  # saved as typed all the same


def test_cover_within_the_hours_says_nothing_more(client, login, shop):
    site, day, night, fill = shop
    login("supervisor")
    cells = {(day, d): (1, 2) for d in range(5)} | {(day, 5): (0, 0)}  # 0/0: nobody asked for
    response = client.post(
        f"/setup/stations/{fill.id}/cover", data=cover(fill, cells), follow_redirects=True
    )
    html = unescape(response.get_data(as_text=True))
    assert "Saved Fill's cover" in html
    assert "Check:" not in html


def test_a_shift_partly_inside_the_hours_is_not_a_contradiction(client, login, shop):
    site, day, night, fill = shop
    early = ShiftType(site=site, code="E", name="Early", start=time(6), end=time(9))
    db.session.add(early)
    db.session.commit()
    login("supervisor")
    response = client.post(
        f"/setup/stations/{fill.id}/cover",
        data=cover(fill, {(early, 0): (1, 1)}),
        follow_redirects=True,
    )
    assert "Check:" not in response.get_data(as_text=True)


def test_a_site_open_around_the_clock_never_warns(
    client, login, make_site, make_shift, make_station
):
    site = make_site("Riverside Hospital")
    night = make_shift(site, "N", (22, 0), (6, 0), name="Night")
    fill = make_station(site, "Fill")
    db.session.commit()
    login("supervisor")
    response = client.post(
        f"/setup/stations/{fill.id}/cover",
        data=cover(fill, {(night, d): (1, 1) for d in range(7)}),
        follow_redirects=True,
    )
    assert "Check:" not in response.get_data(as_text=True)


def test_a_shift_type_wholly_outside_the_hours_warns_when_saved(client, login, shop):
    site, day, night, fill = shop
    login("supervisor")
    data = {"code": "N", "name": "Night", "start": "22:00", "end": "06:00", "night": "y"}
    response = client.post(
        f"/setup/shifts/{night.id}/edit",
        data={**data, "weekdays": list("01234")},
        follow_redirects=True,
    )
    html = unescape(response.get_data(as_text=True))
    assert "Saved the Night shift" in html
    assert (
        "Check: The Night shift (22:00–06:00) lies wholly outside Corner Pharmacy's opening "
        "hours on Mondays, Tuesdays, Wednesdays, Thursdays, Fridays: change its times or days, "
        "or the opening hours." in html
    )
    response = client.post(
        f"/setup/shifts/{day.id}/edit",
        data={**SHIFT, "weekdays": list("01234")},
        follow_redirects=True,
    )
    assert "Check:" not in response.get_data(as_text=True)


# ----- dead ends ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("/skills/", '<a href="/skills/new">Add a competency</a>'),
        ("/skills/matrix", '<a href="/setup/sites/new">Add a site</a>'),
        ("/staff/leave", '<a href="/setup/sites/new">Add a site</a>'),
        ("/staff/wishes", '<a href="/setup/sites/new">Add a site</a>'),
        ("/setup/", '<a href="/setup/sites/new">add one</a>'),
    ],
)
def test_an_empty_list_links_to_making_what_is_missing(client, login, url, link):
    login("supervisor")
    assert link in page(client, url)


def test_a_sites_empty_lists_link_to_adding_to_them(client, login, make_site, make_competency):
    site = make_site("Corner Pharmacy")
    db.session.commit()
    login("supervisor")
    assert f'<a href="/staff/new?site={site.id}">Add a person</a>' in page(
        client, f"/staff/?site={site.id}"
    )
    assert f'<a href="/staff/new?site={site.id}">Add a person</a>' in page(
        client, f"/skills/matrix?site={site.id}"
    )
    setup = page(client, f"/setup/sites/{site.id}")
    assert f'<a href="/setup/sites/{site.id}/stations/new">add one</a>' in setup
    assert f'<a href="/setup/sites/{site.id}/shifts/new">add them</a>' in setup
    duty = page(client, f"/setup/sites/{site.id}/duties/new")
    assert f'<a href="/setup/sites/{site.id}/shifts/new">Add a shift type</a>' in duty
    assert f'<a href="/staff/new?site={site.id}">Add a person</a>' in duty


def test_a_pharmacist_in_charge_is_told_who_makes_the_site(client, login):
    login("pic")
    html = page(client, "/staff/leave")
    assert "A supervisor creates the pharmacy" in html
    assert "/setup/sites/new" not in html


def test_the_home_page_counts_the_levels_step(
    client, login, make_site, make_competency, make_station, make_staff, make_cover, make_shift
):
    site = make_site("Corner Pharmacy")
    day = make_shift(site, "D", (8, 0), (16, 0), name="Day")
    fill = make_competency("CF", name="Central fill")
    station = make_station(site, "Fill", [fill])
    make_cover(station, day, weekday=0)
    make_staff(site, "Ann")
    make_staff(site, "Pat", role=StaffRole.PHARMACIST)
    db.session.commit()
    login("supervisor")
    html = page(client, "/")
    assert "0 of 2 active people hold a level; nobody qualified yet for Fill" in html
    assert f'href="/start/levels?site={site.id}">Set everyone\'s levels</a>' in html
