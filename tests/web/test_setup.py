"""Site set-up: site details, stations, shift types, cover, duties and ratio rules."""

from __future__ import annotations

from datetime import date, time

import pytest

from scheduler.extensions import db
from scheduler.models import (
    CoverRequirement,
    Duty,
    OpeningHours,
    RatioRuleSet,
    ShiftType,
    Site,
    SiteGroup,
    SkillLevel,
    Station,
)

from .setup_pharmacy import Pharmacy, build_pharmacy


@pytest.fixture
def pharmacy(make_site, make_shift, make_competency, make_station, make_staff) -> Pharmacy:
    """Lakeside Hospital with Ann, Ben and Pat, and Zoe at Hill Pharmacy."""
    return build_pharmacy(make_site, make_shift, make_competency, make_station, make_staff)


SITE = {
    "name": "Elm Clinic",
    "kind": "retail",
    "timezone": "America/New_York",
    "group_id": "",
    "new_group": "",
    "ratio_rule_id": "",
}
SHIFT = {
    "code": "n2",
    "name": "Late night",
    "start": "22:00",
    "end": "06:30",
    "night": "y",
    "weekdays": ["0", "1", "2", "3", "4"],
    "max_per_week": "3",
}
DUTY = {
    "name": "Fridge audit",
    "kind": "qi_project",
    "minutes": "90",
    "weekdays": ["0", "2"],
    "competency_id": "",
    "min_level": "independent",
    "per_week": "2",
    "per_day": "1",
    "weight": "50",
}
RULE = {
    "jurisdiction": "Florida",
    "setting": "hospital",
    "techs_per_pharmacist": "4",
    "offset": "0",
    "certified_extra": "0",
    "trainees_count": "y",
    "formula": "techs <= 4 x RPh",
    "source": "Fla. Stat. 465.014",
    "effective_date": "",
}


def _page(response) -> str:
    """A response's HTML."""
    return response.get_data(as_text=True)


def _urls(ph):
    """Every set-up route (method, url)."""
    cover = CoverRequirement(station=ph.central_fill, shift_type=ph.day, on_date=ph.days(3))
    db.session.add(cover)
    duty = Duty(site=ph.site, name="Count", kind="inventory_count", minutes=60)
    rule = RatioRuleSet(jurisdiction="X", setting="any", techs_per_pharmacist=2)
    db.session.add_all([duty, rule])
    db.session.commit()
    site, station = ph.site.id, ph.central_fill.id
    return [
        ("get", "/setup/"),
        ("get", "/setup/sites/new"),
        ("get", f"/setup/sites/{site}"),
        ("get", f"/setup/sites/{site}/edit"),
        ("get", f"/setup/sites/{site}/stations/new"),
        ("get", f"/setup/stations/{station}/edit"),
        ("get", f"/setup/sites/{site}/shifts/new"),
        ("get", f"/setup/shifts/{ph.night.id}/edit"),
        ("get", f"/setup/stations/{station}/cover"),
        ("post", f"/setup/stations/{station}/cover/dates"),
        ("post", f"/setup/cover/{cover.id}/delete"),
        ("get", f"/setup/sites/{site}/duties/new"),
        ("get", f"/setup/duties/{duty.id}/edit"),
        ("get", "/setup/ratio-rules/new"),
        ("get", f"/setup/ratio-rules/{rule.id}/edit"),
    ]


# ----- who may open what ------------------------------------------------------------


def test_supervisor_opens_every_page(client, login, pharmacy):
    login("supervisor")
    for method, url in _urls(pharmacy):
        if method == "get":
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["pic", "technician"])
def test_others_get_403(client, login, pharmacy, role):
    login(role, staff=pharmacy.ben if role == "technician" else None)
    for method, url in _urls(pharmacy):
        assert getattr(client, method)(url).status_code == 403, url
    assert db.session.scalars(db.select(CoverRequirement)).first() is not None


def test_anonymous_is_sent_to_sign_in(client, pharmacy):
    for method, url in _urls(pharmacy):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"]


def test_unknown_ids_are_404(client, login, pharmacy):
    login("supervisor")
    for url in (
        "/setup/sites/99",
        "/setup/sites/99/edit",
        "/setup/stations/99/cover",
        "/setup/shifts/99/edit",
        "/setup/duties/99/edit",
        "/setup/ratio-rules/99/edit",
    ):
        assert client.get(url).status_code == 404, url
    weekly = CoverRequirement(station=pharmacy.central_fill, shift_type=pharmacy.day, weekday=0)
    db.session.add(weekly)
    db.session.commit()
    assert client.post(f"/setup/cover/{weekly.id}/delete").status_code == 404


def test_navigation_shows_set_up_to_supervisors_only(client, login, pharmacy):
    login("supervisor")
    page = _page(client.get("/setup/"))
    for label in ("Staff", "Skills matrix", "Set-up", "Leave and wishes"):
        assert f">{label}</a>" in page
    client.post("/auth/logout")
    login("pic", email="pic@example.org")
    page = _page(client.get("/staff/"))
    assert ">Skills matrix</a>" in page
    assert ">Set-up</a>" not in page


# ----- sites ---------------------------------------------------------------------------


def test_create_retail_site_with_hours_and_new_group(client, login):
    login("supervisor")
    data = {
        **SITE,
        "new_group": "Elm Health",
        "opens_0": "09:00",
        "closes_0": "17:30",
        "opens_5": "10:00",
        "closes_5": "14:00",
    }
    response = client.post("/setup/sites/new", data=data)
    assert response.status_code == 302
    site = db.session.scalar(db.select(Site).where(Site.name == "Elm Clinic"))
    assert site.timezone == "America/New_York"
    assert site.open_24_7 is False
    assert site.group.name == "Elm Health"
    assert [(h.weekday, h.opens, h.closes) for h in site.opening_hours] == [
        (0, time(9), time(17, 30)),
        (5, time(10), time(14)),
    ]
    page = _page(client.get(response.headers["Location"]))
    assert "Mon 09:00–17:30, Sat 10:00–14:00" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone", "is not a known time zone"),
        ({"timezone": "america/chicago"}, "timezone", "capitals and underscores matter"),
        ({"opens_0": "09:00"}, "closes_0", "Enter both times for Monday"),
        (
            {"opens_1": "18:00", "closes_1": "09:00"},
            "closes_1",
            "Tuesday: closing must be after opening",
        ),
        ({}, "open_24_7", "enter the opening hours of at least one day"),
        ({"name": "Lakeside Hospital", "open_24_7": "y"}, "name", "Another site already"),
    ],
)
def test_site_form_rejects_bad_values(client, login, pharmacy, change, field, message):
    login("supervisor")
    response = client.post("/setup/sites/new", data={**SITE, **change})
    page = _page(response)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert message in page
    assert 'value="America/New_York"' in page or "timezone" in change
    assert db.session.scalar(db.select(Site).where(Site.name == "Elm Clinic")) is None


def test_site_group_and_new_group_are_exclusive(client, login, pharmacy):
    group = SiteGroup(name="Lake Health")
    db.session.add(group)
    db.session.commit()
    login("supervisor")
    page = _page(
        client.post(
            "/setup/sites/new",
            data={**SITE, "open_24_7": "y", "group_id": group.id, "new_group": "Other"},
        )
    )
    assert "not both" in page
    page = _page(
        client.post("/setup/sites/new", data={**SITE, "open_24_7": "y", "new_group": "lake health"})
    )
    assert "choose it from the list" in page


def test_edit_site_to_use_a_ratio_rule_and_24_7(client, login, pharmacy):
    pharmacy.site.open_24_7 = False
    pharmacy.site.opening_hours = [OpeningHours(weekday=0, opens=time(8), closes=time(20))]
    rule = RatioRuleSet(jurisdiction="Idaho", setting="any", techs_per_pharmacist=6)
    db.session.add(rule)
    db.session.commit()
    login("supervisor")
    form = _page(client.get(f"/setup/sites/{pharmacy.site.id}/edit"))
    assert 'value="08:00"' in form
    data = {**SITE, "name": "Lakeside Hospital", "open_24_7": "y", "ratio_rule_id": rule.id}
    assert client.post(f"/setup/sites/{pharmacy.site.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    site = db.session.get(Site, pharmacy.site.id)
    assert site.ratio_rule_id == rule.id
    assert site.open_24_7
    assert site.opening_hours == []


# ----- stations and shift types ---------------------------------------------------------


def test_add_station_with_competencies(client, login, pharmacy):
    login("supervisor")
    data = {"name": "IV room", "competency_ids": [pharmacy.sterile.id, pharmacy.fill.id]}
    response = client.post(f"/setup/sites/{pharmacy.site.id}/stations/new", data=data)
    assert response.status_code == 302
    station = db.session.scalar(db.select(Station).where(Station.name == "IV room"))
    assert {c.code for c in station.competencies} == {"CF", "ASEP"}
    assert response.headers["Location"].endswith(f"/setup/stations/{station.id}/cover")
    page = _page(client.get(f"/setup/sites/{pharmacy.site.id}"))
    assert "Aseptic technique, Central fill" in page or "Central fill, Aseptic technique" in page
    clash = client.post(
        f"/setup/sites/{pharmacy.site.id}/stations/new", data={"name": "central fill"}
    )
    assert "already has a station with this name" in _page(clash)


def test_shift_type_crossing_midnight(client, login, pharmacy):
    login("supervisor")
    data = {**SHIFT, "forbidden_next_ids": [pharmacy.day.id]}
    response = client.post(f"/setup/sites/{pharmacy.site.id}/shifts/new", data=data)
    assert response.status_code == 302
    shift = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "N2"))
    assert (shift.start, shift.end, shift.night) == (time(22), time(6, 30), True)
    assert shift.minutes == 510
    assert shift.weekdays == "01234"
    assert [s.code for s in shift.forbidden_next] == ["D"]
    page = _page(client.get(f"/setup/sites/{pharmacy.site.id}"))
    row = page[page.index('<th scope="row">Late night') :]
    row = row[: row.index("</tr>")]
    assert "ends next day" in row
    assert "Mon–Fri" in row
    assert "8.5 h" in row


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end": "22:00"}, "end", "cannot end at the time it starts"),
        (
            {"night": ""},
            "end",
            "Ends before it starts: tick \u201cNight shift\u201d for a shift that crosses midnight",
        ),
        ({"weekdays": []}, "weekdays", "Tick at least one day."),
        ({"code": "d"}, "code", "already has a shift type with this code"),
        ({"start": "25:00"}, "start", "Not a valid time"),
        ({"max_per_week": "9"}, "max_per_week", "Enter 0 to 7."),
    ],
)
def test_shift_form_rejects_bad_values(client, login, pharmacy, change, field, message):
    login("supervisor")
    response = client.post(f"/setup/sites/{pharmacy.site.id}/shifts/new", data={**SHIFT, **change})
    page = _page(response)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert message in page
    assert 'value="Late night"' in page
    assert db.session.scalar(db.select(ShiftType).where(ShiftType.name == "Late night")) is None


@pytest.mark.parametrize(
    ("start", "end", "night"),
    [("15:00", "00:00", ""), ("22:00", "06:30", "y"), ("07:00", "15:00", "")],
)
def test_a_shift_ending_at_midnight_or_a_night_crossing_it_is_saved(
    client, login, pharmacy, start, end, night
):
    login("supervisor")
    data = {**SHIFT, "start": start, "end": end, "night": night}
    response = client.post(f"/setup/sites/{pharmacy.site.id}/shifts/new", data=data)
    assert response.status_code == 302
    assert db.session.scalar(db.select(ShiftType).where(ShiftType.name == "Late night"))


# ----- cover ------------------------------------------------------------------------------


def test_cover_grid_saves_and_clears(client, login, pharmacy, make_cover):
    make_cover(pharmacy.central_fill, pharmacy.night, weekday=6, minimum=1, ideal=1)
    db.session.commit()
    login("supervisor")
    url = f"/setup/stations/{pharmacy.central_fill.id}/cover"
    form = _page(client.get(url))
    assert f'name="min_{pharmacy.night.id}_6"' in form
    assert "Day Mon minimum" in form
    d, n = pharmacy.day.id, pharmacy.night.id
    data = {
        f"min_{d}_0": "2",
        f"ideal_{d}_0": "3",
        f"min_{d}_1": "1",
        f"ideal_{d}_1": "",
        f"min_{n}_6": "",
        f"ideal_{n}_6": "",
    }
    response = client.post(url, data=data)
    assert response.status_code == 302
    lines = db.session.scalars(db.select(CoverRequirement).order_by(CoverRequirement.weekday)).all()
    assert [(c.shift_type_id, c.weekday, c.minimum, c.ideal) for c in lines] == [
        (d, 0, 2, 3),
        (d, 1, 1, 1),
    ]
    assert "2 shift-and-day lines" in _page(client.get(response.headers["Location"]))


def test_cover_grid_rejects_ideal_below_minimum(client, login, pharmacy, make_cover):
    make_cover(pharmacy.central_fill, pharmacy.day, weekday=2, minimum=1, ideal=1)
    db.session.commit()
    login("supervisor")
    d = pharmacy.day.id
    data = {
        f"min_{d}_0": "3",
        f"ideal_{d}_0": "2",
        f"min_{d}_1": "-1",
        f"ideal_{d}_3": "2",
        f"min_{d}_2": "4",
        f"ideal_{d}_2": "4",
    }
    response = client.post(f"/setup/stations/{pharmacy.central_fill.id}/cover", data=data)
    page = _page(response)
    assert response.status_code == 422
    assert f'id="ideal_{d}_0-error"' in page
    assert "The ideal cannot be below the minimum (3)" in page
    assert f'id="min_{d}_1-error"' in page
    assert "Enter 0 to 50." in page
    assert f'id="min_{d}_3-error"' in page
    assert 'value="4"' in page  # typed values kept
    db.session.expire_all()
    line = db.session.scalar(db.select(CoverRequirement))
    assert (line.weekday, line.minimum) == (2, 1)  # nothing saved


def test_date_cover_add_reject_and_delete(client, login, pharmacy):
    login("supervisor")
    station = pharmacy.central_fill
    url = f"/setup/stations/{station.id}/cover/dates"
    on = date(2026, 12, 24)
    data = {
        "shift_type_id": pharmacy.day.id,
        "on_date": on.isoformat(),
        "minimum": "2",
        "ideal": "3",
    }
    assert client.post(url, data=data).status_code == 302
    client.post(url, data={**data, "minimum": "3"})
    line = db.session.scalar(db.select(CoverRequirement))
    assert (line.on_date, line.minimum, line.ideal) == (on, 3, 3)
    bad = client.post(url, data={**data, "minimum": "4", "ideal": "1"})
    assert bad.status_code == 422
    assert "The ideal cannot be below the minimum (4)" in _page(bad)
    pharmacy.day.weekdays = "01234"
    db.session.commit()
    weekend = client.post(url, data={**data, "on_date": "2026-12-26"})
    assert "The Day shift does not run on Saturdays." in _page(weekend)
    page = _page(client.get(f"/setup/stations/{station.id}/cover"))
    assert "Thu 24 Dec 2026" in page
    client.post(f"/setup/cover/{line.id}/delete")
    assert db.session.scalar(db.select(CoverRequirement)) is None


# ----- duties ---------------------------------------------------------------------------


def test_add_and_edit_duty(client, login, pharmacy):
    login("supervisor")
    data = {
        **DUTY,
        "shift_type_ids": [pharmacy.day.id],
        "competency_id": pharmacy.fill.id,
        "people_ids": [pharmacy.ann.id],
    }
    assert client.post(f"/setup/sites/{pharmacy.site.id}/duties/new", data=data).status_code == 302
    duty = db.session.scalar(db.select(Duty).where(Duty.name == "Fridge audit"))
    assert duty.weekdays == "02"
    assert [s.code for s in duty.shift_types] == ["D"]
    assert [p.name for p in duty.people] == ["Ann"]
    assert duty.min_level == SkillLevel.INDEPENDENT
    assert (duty.per_week, duty.per_day, duty.weight) == (2, 1, 50)
    page = _page(client.get(f"/setup/sites/{pharmacy.site.id}"))
    assert "only Ann" in page
    edit = {**DUTY, "weekdays": [], "per_day": "", "competency_id": ""}
    assert client.post(f"/setup/duties/{duty.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    duty = db.session.get(Duty, duty.id)
    assert duty.weekdays is None
    assert duty.per_day is None
    assert duty.people == []
    assert duty.shift_types == []


def test_duty_daily_cap_must_leave_room_for_weekly_count(client, login, pharmacy):
    login("supervisor")
    data = {**DUTY, "per_week": "5"}
    response = client.post(f"/setup/sites/{pharmacy.site.id}/duties/new", data=data)
    page = _page(response)
    assert 'id="per_day-error"' in page
    assert "allows only 2 a week, fewer than the 5 asked for" in page
    assert db.session.scalar(db.select(Duty)) is None


# ----- ratio rules ------------------------------------------------------------------------


def test_add_ratio_rule_and_reject_duplicate(client, login, pharmacy):
    login("supervisor")
    assert client.post("/setup/ratio-rules/new", data=RULE).status_code == 302
    rule = db.session.scalar(db.select(RatioRuleSet))
    assert (rule.techs_per_pharmacist, rule.trainees_count) == (4, True)
    page = _page(client.get("/setup/"))
    assert "Florida hospital 1:4" in page
    assert "technicians ≤ 4 × pharmacists" in page
    assert "Fla. Stat. 465.014" in page
    again = client.post("/setup/ratio-rules/new", data={**RULE, "jurisdiction": "florida"})
    assert "already exists" in _page(again)
    missing = client.post(
        "/setup/ratio-rules/new", data={**RULE, "source": "", "techs_per_pharmacist": "-1"}
    )
    text = _page(missing)
    assert "Enter where this rule comes from." in text
    assert "Enter 0 to 20." in text
    assert len(db.session.scalars(db.select(RatioRuleSet)).all()) == 1
    client.post(
        f"/setup/ratio-rules/{rule.id}/edit",
        data={**RULE, "offset": "-1", "techs_per_pharmacist": "2", "effective_date": "2025-01-01"},
    )
    db.session.expire_all()
    rule = db.session.get(RatioRuleSet, rule.id)
    assert (rule.techs_per_pharmacist, rule.offset) == (2, -1)
    assert rule.effective_date == date(2025, 1, 1)
