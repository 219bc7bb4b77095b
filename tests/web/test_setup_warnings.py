"""Set-up slips said before generating: closed days, nobody qualified, too few, no approver."""

from __future__ import annotations

from datetime import time
from html import unescape

from scheduler.extensions import db
from scheduler.models import OpeningHours, RotaPolicy, StaffRole

from .conftest import MONDAY

WEEK = MONDAY.isoformat()


def shop(make_site, make_shift, make_competency, make_station, make_staff, make_cover):
    """A shop open Monday to Saturday; its Day shift left on 'every day'; Fill needs two."""
    site = make_site("Corner Pharmacy", open_24_7=False)
    for weekday in range(6):
        db.session.add(OpeningHours(site=site, weekday=weekday, opens=time(8), closes=time(18)))
    day = make_shift(site, "D", (8, 0), (16, 0), name="Day")
    fill = make_competency("CF", name="Central fill")
    counter = make_competency("CT", name="Counter")
    fill_station = make_station(site, "Fill", [fill])
    make_station(site, "Counter", [counter])
    make_staff(site, "Ann", {fill: "independent"})
    make_staff(site, "Pat", {}, role=StaffRole.PHARMACIST)
    for weekday in range(6):
        make_cover(fill_station, day, weekday=weekday, minimum=2, ideal=2)
    db.session.add(RotaPolicy(site=site, requires_approval=True))
    db.session.commit()
    return site


def test_the_week_page_lists_set_up_slips_before_generate(
    client, login, make_site, make_shift, make_competency, make_station, make_staff, make_cover
):
    site = shop(make_site, make_shift, make_competency, make_station, make_staff, make_cover)
    login("supervisor")
    html = unescape(client.get(f"/rotas/{site.id}/{WEEK}").get_data(as_text=True))
    box = html[html.index('id="setup-warnings"') :]
    assert "Check the set-up before you generate:" in box
    assert "The Day shift runs on Sundays, when Corner Pharmacy is closed" in box
    assert "Fill asks for 2 on the Day shift, but only 1 person is qualified for it" in box
    assert html.index('id="setup-warnings"') < html.index("Generate a new rota")


def test_the_week_page_names_cover_and_shifts_against_the_opening_hours(
    client, login, make_site, make_shift, make_competency, make_station, make_staff, make_cover
):
    site = shop(make_site, make_shift, make_competency, make_station, make_staff, make_cover)
    late = make_shift(site, "L", (19, 0), (22, 0), name="Late")
    fill = next(s for s in site.stations if s.name == "Fill")
    make_cover(fill, site.shift_types[0], weekday=6, minimum=1, ideal=1)
    make_cover(fill, late, weekday=0, minimum=1, ideal=1)
    db.session.commit()
    login("supervisor")
    html = unescape(client.get(f"/rotas/{site.id}/{WEEK}").get_data(as_text=True))
    box = html[html.index('id="setup-warnings"') :]
    assert "The Late shift (19:00–22:00) lies wholly outside Corner Pharmacy's opening" in box
    assert "Fill asks for people on the Day shift on Sundays, when Corner Pharmacy is closed" in box
    assert "on the Late shift (19:00–22:00) on Mondays, wholly outside" in box


def test_no_warning_once_the_set_up_is_right(
    client,
    login,
    make_site,
    make_shift,
    make_competency,
    make_station,
    make_staff,
    make_cover,
    make_user,
):
    site = shop(make_site, make_shift, make_competency, make_station, make_staff, make_cover)
    site.shift_types[0].weekdays = "012345"
    fill = site.stations[0]
    make_staff(site, "Ben", {fill.competencies[0]: "independent"})
    make_user("pic")
    db.session.commit()
    login("supervisor")
    html = unescape(client.get(f"/rotas/{site.id}/{WEEK}").get_data(as_text=True))
    assert 'id="setup-warnings"' not in html


def test_a_station_nobody_can_stand_at_is_named(
    client, login, make_site, make_shift, make_competency, make_station, make_staff, make_cover
):
    site = shop(make_site, make_shift, make_competency, make_station, make_staff, make_cover)
    counter = next(s for s in site.stations if s.name == "Counter")
    make_cover(counter, site.shift_types[0], weekday=0, minimum=1, ideal=1)
    db.session.commit()
    login("supervisor")
    html = unescape(client.get(f"/rotas/{site.id}/{WEEK}").get_data(as_text=True))
    assert "Nobody at Corner Pharmacy is qualified for Counter (it needs Counter)" in html


def test_saving_a_shift_on_a_closed_day_warns(
    client, login, make_site, make_shift, make_competency, make_station, make_staff, make_cover
):
    site = shop(make_site, make_shift, make_competency, make_station, make_staff, make_cover)
    login("supervisor")
    shift = site.shift_types[0]
    page = client.get(f"/setup/shifts/{shift.id}/edit")
    assert page.status_code == 200
    data = {
        "name": "Day",
        "code": "D",
        "start": "08:00",
        "end": "16:00",
        "weekdays": ["0", "1", "2", "3", "4", "5", "6"],
    }
    page = client.post(f"/setup/shifts/{shift.id}/edit", data=data, follow_redirects=True)
    html = unescape(page.get_data(as_text=True))
    assert "Saved the Day shift" in html
    assert "Check: The Day shift runs on Sundays, when Corner Pharmacy is closed" in html
