"""Shared work over the fairness window: counted from published weeks, shown, and planned with."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta

import pytest

from scheduler.clock import site_today
from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import (
    AssignmentMode,
    Duty,
    DutyKind,
    Rota,
    RotaAssignment,
    RotaStatus,
)
from scheduler.services.fairness_history import shared_counts, shared_work
from scheduler.services.problem_loader import build_problem
from scheduler.services.solver_terms import IdMap
from scheduler.services.solving import run_solve

from .conftest import MONDAY


@pytest.fixture
def ward(make_site, make_shift, make_competency, make_station, make_staff):
    """A site with a day and a night shift, central fill, an IV room and an inventory count."""
    site = make_site("Ward Pharmacy")
    day = make_shift(site, "D", (7, 0), (15, 0), name="Day")
    night = make_shift(site, "N", (23, 0), (7, 0), name="Night", night=True)
    fill, asep = make_competency("CF", name="Central fill"), make_competency("ASEP")
    fill_station = make_station(site, "Central fill", [fill])
    iv_room = make_station(site, "IV room", [asep])
    count = Duty(site=site, name="Inventory count", kind=DutyKind.INVENTORY_COUNT, minutes=480)
    db.session.add(count)
    ann = make_staff(site, "Ann", {fill: "independent", asep: "supervised"})
    ben = make_staff(site, "Ben", {fill: "independent"})
    db.session.commit()
    return {
        "site": site,
        "day": day,
        "night": night,
        "fill": fill_station,
        "iv": iv_room,
        "count": count,
        "ann": ann,
        "ben": ben,
    }


def publish(ward, week: date, rows, version=1, status=RotaStatus.PUBLISHED) -> Rota:
    """A rota of the ward's week from (person, weekday, shift, where[, mode]) rows."""
    rota = Rota(site=ward["site"], week_start=week, status=status, version=version)
    for person, weekday, shift, where, *mode in rows:
        rota.assignments.append(
            RotaAssignment(
                staff=ward[person],
                on_date=week + timedelta(days=weekday),
                shift_type=ward[shift],
                station=ward[where] if where != "count" else None,
                duty=ward[where] if where == "count" else None,
                mode=mode[0] if mode else AssignmentMode.WORKS,
            )
        )
    db.session.add(rota)
    db.session.commit()
    return rota


def text_of(page) -> str:
    """A page's visible text with its white space squeezed."""
    body = re.sub(r"<[^>]+>", " ", page.get_data(as_text=True))
    return re.sub(r"\s+", " ", html_lib.unescape(body))


def some_weeks(ward, this_week: date) -> None:
    """Ann's recent published weeks: 2 weekends, 1 night, 1 count, 1 training shift (and noise)."""
    last, before = this_week - timedelta(weeks=1), this_week - timedelta(weeks=2)
    publish(
        ward,
        last,
        [
            ("ann", 0, "night", "fill"),
            ("ann", 1, "day", "count"),
            ("ann", 5, "day", "fill"),
            ("ben", 6, "night", "fill"),
        ],
    )
    # two versions published: only the latest counts (the first had a night and a weekend)
    publish(ward, before, [("ann", 2, "night", "fill"), ("ann", 6, "day", "fill")])
    publish(
        ward,
        before,
        [
            ("ann", 3, "day", "iv", AssignmentMode.TRAINEE),
            ("ann", 5, "day", "fill"),
            ("ann", 6, "day", "fill"),
        ],
        version=2,
    )
    publish(
        ward, this_week - timedelta(weeks=3), [("ann", 5, "night", "fill")], status=RotaStatus.DRAFT
    )  # a draft never counts


# ----- the counts -----------------------------------------------------------------------------


def test_counts_come_from_the_latest_published_version_of_each_week(ward):
    some_weeks(ward, MONDAY)
    counts = shared_counts([ward["ann"].id, ward["ben"].id], MONDAY, 8)
    ann, ben = counts[ward["ann"].id], counts[ward["ben"].id]
    assert (ann.weekends, ann.nights, ann.training, ann.duties) == (2, 1, 1, {ward["count"].id: 1})
    assert (ben.weekends, ben.nights, ben.training, ben.duties) == (1, 1, 0, {})
    assert ann.as_past(lambda d: f"d{d}") == {
        "night": 1,
        "weekend": 2,
        "training": 1,
        f"duty:d{ward['count'].id}": 1,
    }


def test_a_week_just_outside_the_window_does_not_count(ward):
    publish(ward, MONDAY - timedelta(weeks=3), [("ann", 5, "day", "fill")])  # first week in
    publish(ward, MONDAY - timedelta(weeks=4), [("ann", 6, "night", "fill")])  # just outside
    publish(ward, MONDAY, [("ann", 0, "night", "fill")])  # the week planned itself
    ann = shared_counts([ward["ann"].id], MONDAY, 3)[ward["ann"].id]
    assert (ann.weekends, ann.nights) == (1, 0)
    ann = shared_counts([ward["ann"].id], MONDAY, 4)[ward["ann"].id]
    assert (ann.weekends, ann.nights) == (2, 1)


def test_the_loader_fills_each_persons_past_and_the_window(ward):
    some_weeks(ward, MONDAY)
    ward["site"].fairness_weeks = 6
    db.session.commit()
    problem, _ids = build_problem(ward["site"], MONDAY)
    past = {p.name: p.past for p in problem.people}
    count = IdMap.key("duty", ward["count"].id)
    assert past == {
        "Ann": {"night": 1, "weekend": 2, "training": 1, f"duty:{count}": 1},
        "Ben": {"night": 1, "weekend": 1},
    }
    assert problem.fairness_weeks == 6


# ----- the pages ------------------------------------------------------------------------------


def test_the_person_page_shows_shared_work_over_the_window(ward, client, login):
    today = site_today(ward["site"])
    some_weeks(ward, monday_of(today))
    login("supervisor")
    text = text_of(client.get(f"/staff/{ward['ann'].id}"))
    assert "Shared work, last 8 weeks" in text
    assert "Weekends: 2 of the last 8" in text
    assert "Nights: 1" in text
    assert "Inventory count: 1" in text
    assert "Training shifts: 1" in text
    first = monday_of(today) - timedelta(weeks=7)
    assert f"from {first:%a} {first.day} {first:%b %Y} to " in text


def test_a_technician_sees_their_own_shared_work_only(ward, client, login, make_user):
    today = site_today(ward["site"])
    this_week = monday_of(today)
    publish(
        ward,
        this_week - timedelta(weeks=1),
        [("ben", d, "night", "fill") for d in range(3)] + [("ann", 3, "night", "fill")],
    )
    login(make_user("technician", email="ann@example.org", staff=ward["ann"]))
    text = text_of(client.get("/me/"))
    assert "Shared work, last 8 weeks" in text
    assert "Nights: 1" in text
    assert "Nights: 3" not in text  # Ben's
    assert "Weekends: 0 of the last 8" in text
    assert client.get(f"/staff/{ward['ben'].id}").status_code == 403


def test_the_pages_say_when_a_site_shares_within_the_week_only(ward):
    ward["site"].fairness_weeks = 0
    db.session.commit()
    shared = shared_work(ward["ann"], site_today(ward["site"]))
    assert shared.weeks == 0
    assert ("Weekends", "0 of the last 0") in shared.lines


# ----- planning with it -----------------------------------------------------------------------


@pytest.mark.parametrize(("busy", "fresh"), [("ann", "Ben"), ("ben", "Ann")])
def test_a_generated_week_gives_the_weekend_to_who_had_fewer(ward, make_cover, busy, fresh):
    for person in (ward["ann"], ward["ben"]):
        person.min_minutes_per_week = 0
        person.max_weekends_per_4_weeks = None
    for weekday in (5, 6):
        make_cover(ward["fill"], ward["day"], weekday=weekday)
    other = "ben" if busy == "ann" else "ann"
    for back in (4, 5, 6):  # three weekends, before the contract's four-week count; one
        rows = [(busy, 5, "day", "fill")] + ([(other, 6, "day", "fill")] if back == 5 else [])
        publish(ward, MONDAY - timedelta(weeks=back), rows)
    rota = run_solve(ward["site"], MONDAY, time_limit=5)
    weekend = {
        (a.staff.name, a.on_date.weekday()) for a in rota.assignments if a.on_date.weekday() >= 5
    }
    assert weekend == {(fresh, 5), (fresh, 6)}
    assert not any(c["family"] == "fairness" for c in rota.costs)
