"""Why nobody else filled a cover gap: stored with the rota, shown on the chart, in the
explanation, on the replacements page and on the printed compliance page."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from scheduler.extensions import db
from scheduler.models import (
    Leave,
    LeaveKind,
    Rota,
    RotaStatus,
    ShiftType,
    Staff,
    StaffCompetency,
    Station,
)
from scheduler.services.rota_lookup import latest_rota
from scheduler.services.solving import run_solve

from .conftest import MONDAY

WEEK = MONDAY.isoformat()
TUESDAY = MONDAY + timedelta(days=1)
TUESDAY_DAY_WHY = [
    "Ann is on leave on Tue 3 Mar",
    "Ben's Central fill was valid until Mon 2 Mar",
    "Cat works the evening at Central fill",
    "Dov: rest after Mon 2 Mar evening (needs 10 h)",
]


def named(model, name):
    return db.session.scalar(db.select(model).where(model.name == name))


def shift(site, code) -> ShiftType:
    return db.session.scalar(
        db.select(ShiftType).where(ShiftType.site_id == site.id, ShiftType.code == code)
    )


def away_on_tuesday(*names: str) -> None:
    """Approved annual leave on Tuesday for each person named."""
    for name in names:
        db.session.add(
            Leave(
                staff=named(Staff, name),
                start_date=TUESDAY,
                end_date=TUESDAY,
                kind=LeaveKind.ANNUAL,
                approved=True,
            )
        )


@pytest.fixture
def gap_week(tiny_site, make_rota):
    """The tiny site's draft week with Central fill empty on Tuesday's day shift.

    Ann is on leave that day, Ben's Central fill was valid until Monday, Cat works
    Tuesday evening at Central fill and Dov worked Monday evening (10 h rest needed).
    """
    away_on_tuesday("Ann")
    ben = named(Staff, "Ben")
    db.session.scalar(
        db.select(StaffCompetency).where(StaffCompetency.staff_id == ben.id)
    ).valid_until = MONDAY
    day, eve = shift(tiny_site, "D"), shift(tiny_site, "E")
    fill, entry = named(Station, "Central fill"), named(Station, "Order entry")
    rota = make_rota(
        tiny_site,
        status=RotaStatus.DRAFT,
        rows=[
            (named(Staff, "Cat"), TUESDAY, eve, fill),
            (named(Staff, "Dov"), MONDAY, eve, fill),
            (named(Staff, "Pat"), TUESDAY, day, entry),
            (named(Staff, "Quin"), MONDAY + timedelta(days=3), day, entry),
        ],
    )
    db.session.commit()
    return rota


def page(client, url: str) -> str:
    """A page's HTML with its entities read back (Ben&#39;s is Ben's)."""
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def between(html: str, start: str, end: str) -> str:
    """The part of a page from ``start`` up to the next ``end``."""
    at = html.index(start)
    return html[at : html.index(end, at)]


def words(html: str) -> str:
    """What a reader (or a screen reader) gets from a piece of a page: its text, one space apart."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def remove_quin(client, rota: Rota) -> None:
    """Take Quin's Thursday off the draft by hand: the edit re-scores the week."""
    quin = next(a for a in rota.assignments if a.staff.name == "Quin")
    response = client.post(
        f"/rotas/assignments/{quin.id}/remove", data={"rota": rota.id, "lock": rota.lock_version}
    )
    assert response.status_code == 302
    db.session.expire_all()


def test_every_page_says_why_nobody_else_filled_the_gap(client, login, gap_week):
    login("supervisor")
    remove_quin(client, gap_week)
    site = gap_week.site
    week = page(client, f"/rotas/{site.id}/{WEEK}")

    chart = words(between(week, 'id="by-station"', 'id="by-person"'))
    cell = between(chart, "Why nobody else for Central fill, Tue 3 Mar day (4)", "Suggest someone")
    assert all(why in cell for why in TUESDAY_DAY_WHY)

    explained = words(between(week, 'id="explanation"', 'id="versions"'))
    line = between(explained, "Tue 3 Mar day, Central fill: 1 short of", "Tue 3 Mar evening")
    assert "Why nobody else: " + " ".join(TUESDAY_DAY_WHY) in line

    fill, day = named(Station, "Central fill"), shift(site, "D")
    offer = page(
        client,
        f"/rotas/{site.id}/{WEEK}/replacements?on_date={TUESDAY}&shift={day.id}&station={fill.id}",
    )
    impossible = words(between(offer, 'id="not-h"', "</section>"))
    assert "Ann: Ann is on leave on Tue 3 Mar" in impossible
    assert "Ben: Ben's Central fill was valid until Mon 2 Mar" in impossible
    dov = words(between(offer, "<h2>Dov", "</ul>"))
    assert "breaks 1 rule(s)" in dov
    assert "Dov: rest after Mon 2 Mar evening (needs 10 h)" in dov

    printed = page(client, f"/print/rota/{gap_week.id}")
    gaps = words(between(printed, 'id="gaps-h"', "</table>"))
    row = between(gaps, "Tue 3 Mar Day", "Tue 3 Mar Evening")
    assert all(why in row for why in TUESDAY_DAY_WHY)


def test_a_hand_edit_moves_the_gap_and_its_reasons_with_it(client, login, gap_week):
    login("supervisor")
    site = gap_week.site
    fill, day = named(Station, "Central fill"), shift(site, "D")
    cat = named(Staff, "Cat")
    response = client.post(
        f"/rotas/{site.id}/{WEEK}/assign",
        data={
            "rota": gap_week.id,
            "lock": gap_week.lock_version,
            "staff": cat.id,
            "on_date": TUESDAY.isoformat(),
            "shift": day.id,
            "station": fill.id,
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    week = page(client, f"/rotas/{site.id}/{WEEK}")
    chart = words(between(week, 'id="by-station"', 'id="by-person"'))
    assert "Why nobody else for Central fill, Tue 3 Mar day" not in chart
    cell = between(chart, "Why nobody else for Central fill, Tue 3 Mar evening (4)", "Suggest")
    assert "Cat works the day at Central fill" in cell
    assert "Dov could take it: no rule keeps them off" in cell


def test_a_solve_stores_why_nobody_filled_a_gap(tiny_site):
    away_on_tuesday("Ann", "Ben", "Cat", "Dov")  # nobody left for Central fill on Tuesday
    db.session.commit()
    run_solve(tiny_site, MONDAY, time_limit=2)
    rota = latest_rota(tiny_site.id, MONDAY)
    gaps = {
        cost["sentence"]: cost.get("why")
        for cost in rota.costs
        if cost["family"] == "cover" and "short of the minimum" in cost["sentence"]
    }
    for shift_name in ("day", "evening"):
        assert gaps[f"Tue 3 Mar {shift_name}, Central fill: 1 short of the minimum 1"] == [
            f"{name} is on leave on Tue 3 Mar" for name in ("Ann", "Ben", "Cat", "Dov")
        ]
