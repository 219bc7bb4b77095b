"""build_problem and run_solve: the database read into the solver's plain data, and back."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from scheduler import solver as sv
from scheduler.extensions import db
from scheduler.models import (
    DevelopmentGoal,
    Leave,
    LeaveKind,
    Rota,
    RotaStatus,
    ShiftRequest,
    SkillLevel,
    SolveRun,
    SolveStatus,
    StaffRole,
)
from scheduler.services.problem_loader import build_problem
from scheduler.services.solver_terms import IdMap
from scheduler.services.solving import run_solve

from .conftest import MONDAY


@pytest.fixture
def small(make_site, make_shift, make_competency, make_station, make_staff):
    """A site with day and night shifts, one station, a pharmacist and a technician."""
    site = make_site()
    day = make_shift(site, "D", (7, 0), (15, 0))
    night = make_shift(site, "N", (23, 0), (7, 0), night=True, max_per_week=3)
    night.forbidden_next = [day]
    fill = make_competency("CF")
    station = make_station(site, "Central fill", [fill])
    rph = make_staff(site, "Pat", role=StaffRole.PHARMACIST)
    ann = make_staff(
        site, "Ann", {fill: "independent"}, min_minutes_per_week=1400, max_minutes_per_week=2100
    )
    db.session.commit()
    return {
        "site": site,
        "day": day,
        "night": night,
        "fill": fill,
        "station": station,
        "rph": rph,
        "ann": ann,
    }


def key(kind, row):
    return IdMap.key(kind, row.id)


def test_ids_shifts_and_stations_are_mapped(small):
    problem, ids = build_problem(small["site"], MONDAY)
    night = problem.shift[key("shift", small["night"])]
    assert night.minutes == 480
    assert night.night
    assert night.forbidden_next == {key("shift", small["day"])}
    assert night.crosses_midnight
    assert problem.station[key("station", small["station"])].competencies == (
        key("competency", small["fill"]),
    )
    assert ids.staff[key("staff", small["ann"])] == small["ann"].id
    assert problem.site[key("site", small["site"])].timezone == "America/Chicago"
    assert problem.start == MONDAY
    assert problem.history_days == 0  # no week was published before: a first week


def test_build_problem_refuses_a_week_that_does_not_start_on_monday(small):
    with pytest.raises(ValueError, match="not a Monday"):
        build_problem(small["site"], MONDAY + timedelta(days=1))


def test_contract_is_scaled_to_the_horizon(small):
    problem, _ = build_problem(small["site"], MONDAY, days=14)
    contract = problem.person[key("staff", small["ann"])].contract
    assert contract.min_minutes == 2800
    assert contract.max_minutes == 4200
    assert contract.max_shifts == {key("shift", small["night"]): 6}
    assert contract.min_rest_minutes == 600
    assert contract.max_consecutive_days == 5


def test_approved_leave_makes_unavailable_and_cuts_the_minimum(small):
    ann = small["ann"]
    ann.leave.append(
        Leave(
            start_date=MONDAY - timedelta(days=3),
            end_date=MONDAY + timedelta(days=1),
            kind=LeaveKind.ANNUAL,
            approved=True,
        )
    )
    ann.leave.append(
        Leave(
            start_date=MONDAY + timedelta(days=4),
            end_date=MONDAY + timedelta(days=4),
            kind=LeaveKind.UNAVAILABLE,
            approved=True,
            shift_type=small["night"],
        )
    )
    db.session.commit()
    problem, _ = build_problem(small["site"], MONDAY)
    person = problem.person[key("staff", ann)]
    assert person.unavailable == {(0, None), (1, None), (4, key("shift", small["night"]))}
    assert person.contract.min_minutes == 1000  # 1400 * 5/7: two whole days away
    assert person.contract.max_minutes == 2100


def test_unapproved_leave_becomes_a_dont_want_request(small):
    small["ann"].leave.append(
        Leave(
            start_date=MONDAY + timedelta(days=2),
            end_date=MONDAY + timedelta(days=3),
            kind=LeaveKind.ANNUAL,
            approved=False,
        )
    )
    small["ann"].requests.append(
        ShiftRequest(
            on_date=MONDAY + timedelta(days=6), shift_type=small["night"], want=True, weight=7
        )
    )
    db.session.commit()
    problem, _ = build_problem(small["site"], MONDAY)
    who = key("staff", small["ann"])
    assert problem.person[who].unavailable == frozenset()
    assert set(problem.requests) == {
        sv.Request(who, 2, None, False, 5),
        sv.Request(who, 3, None, False, 5),
        sv.Request(who, 6, key("shift", small["night"]), True, 7),
    }


def test_a_shift_that_does_not_run_that_day_is_closed(small):
    small["night"].weekdays = "01234"
    db.session.commit()
    problem, _ = build_problem(small["site"], MONDAY)
    person = problem.person[key("staff", small["ann"])]
    night = key("shift", small["night"])
    assert person.is_unavailable(5, night)
    assert person.is_unavailable(6, night)
    assert not person.is_unavailable(4, night)


def test_date_cover_overrides_the_weekday_line(small, make_cover):
    make_cover(small["station"], small["day"], weekday=2, minimum=1, ideal=2)
    make_cover(small["station"], small["day"], weekday=3, minimum=1, ideal=1)
    make_cover(
        small["station"], small["day"], on_date=MONDAY + timedelta(days=2), minimum=3, ideal=4
    )
    make_cover(
        small["station"], small["day"], on_date=MONDAY + timedelta(days=9), minimum=9, ideal=9
    )  # another week: ignored
    db.session.commit()
    problem, _ = build_problem(small["site"], MONDAY)
    lines = {(c.day, c.shift): (c.minimum, c.ideal) for c in problem.cover if c.ideal}
    day = key("shift", small["day"])
    assert lines == {(2, day): (3, 4), (3, day): (1, 1)}


def test_every_open_shift_prices_heads_beyond_what_is_needed(small, make_cover):
    """A shift and day without a cover line needs nobody: a head there costs like one above
    the ideal, so nobody is rostered where they are not needed unless something asks."""
    make_cover(small["station"], small["day"], weekday=2, minimum=1, ideal=2)
    db.session.commit()
    problem, _ = build_problem(small["site"], MONDAY)
    day = key("shift", small["day"])
    by_slot = {(c.day, c.shift): c for c in problem.cover}
    assert (by_slot[(2, day)].minimum, by_slot[(2, day)].ideal) == (1, 2)
    assert (by_slot[(0, day)].minimum, by_slot[(0, day)].ideal) == (0, 0)
    assert all(c.over_weight > 0 for c in problem.cover)
    assert {c.shift for c in problem.cover} == {key("shift", s) for s in small["site"].shift_types}


def test_goals_count_trainee_shifts_already_published(small, make_staff, make_rota):
    site, fill, station, day = small["site"], small["fill"], small["station"], small["day"]
    trainer = small["ann"]
    tia = make_staff(site, "Tia", {fill: "supervised"}, role=StaffRole.TRAINEE)
    tia.goals.append(
        DevelopmentGoal(
            competency=fill, target_level=SkillLevel.INDEPENDENT, shifts_needed=5, priority=3
        )
    )
    done = DevelopmentGoal(competency=fill, target_level=SkillLevel.INDEPENDENT, shifts_needed=3)
    tia.goals.append(done)
    earlier = MONDAY - timedelta(weeks=2)
    rows = [(tia, earlier + timedelta(days=d), day, station, "trainee", trainer) for d in range(3)]
    make_rota(site, week_start=earlier, rows=rows)
    make_rota(site, week_start=earlier, rows=rows[:1], status=RotaStatus.DRAFT, version=2)
    db.session.commit()
    problem, _ = build_problem(site, MONDAY)
    assert len(problem.goals) == 1
    goal = problem.goals[0]
    assert goal.shifts_needed == 2
    assert goal.priority == 3
    assert goal.target_level is sv.Level.INDEPENDENT
    assert goal.person == key("staff", tia)


def test_history_comes_from_the_previous_published_week(small, make_rota):
    site, ann, day, station = small["site"], small["ann"], small["day"], small["station"]
    last_week = MONDAY - timedelta(days=7)
    make_rota(
        site,
        week_start=last_week,
        rows=[
            (ann, MONDAY - timedelta(days=2), day, station),  # Saturday
            (ann, MONDAY - timedelta(days=1), day, station),  # Sunday
        ],
    )
    make_rota(
        site,
        week_start=last_week,
        status=RotaStatus.DRAFT,
        version=2,
        rows=[(ann, MONDAY - timedelta(days=5), day, station)],
    )  # a draft: ignored
    make_rota(
        site,
        week_start=MONDAY - timedelta(days=21),
        rows=[(ann, MONDAY - timedelta(days=16), day, station)],
    )  # another weekend
    db.session.commit()
    problem, _ = build_problem(site, MONDAY)
    person = problem.person[key("staff", ann)]
    shift = key("shift", day)
    assert person.history == (sv.PastShift(-2, shift), sv.PastShift(-1, shift))
    assert person.contract.max_weekends == 0  # two of the last three weekends worked, cap 2
    assert problem.person[key("staff", small["rph"])].contract.max_weekends == 2


def test_a_first_week_has_no_known_history_so_its_opening_runs_are_exempt(small, make_rota):
    # No week was published before: the days before Monday are unknown, not days off.
    problem, _ = build_problem(small["site"], MONDAY)
    assert problem.history_days == 0
    make_rota(small["site"], week_start=MONDAY - timedelta(days=7))  # published, empty
    db.session.commit()
    problem, _ = build_problem(small["site"], MONDAY)
    assert problem.history_days == 7  # known: a week of days off


def test_history_is_known_only_when_every_planned_site_published_its_last_week(
    small, make_site, make_rota
):
    other = make_site("Other")
    make_rota(small["site"], week_start=MONDAY - timedelta(days=7))
    make_rota(other, week_start=MONDAY - timedelta(days=7), status=RotaStatus.DRAFT)
    db.session.commit()
    problem, _ = build_problem([small["site"], other], MONDAY)
    assert problem.history_days == 0
    problem, _ = build_problem(small["site"], MONDAY)
    assert problem.history_days == 7


def test_pinned_draft_assignments_become_pins(small, make_rota):
    site, ann, day, station = small["site"], small["ann"], small["day"], small["station"]
    make_rota(
        site,
        status=RotaStatus.DRAFT,
        rows=[(ann, MONDAY + timedelta(days=1), day, station)],
        pinned=True,
    )
    db.session.commit()
    problem, _ = build_problem(site, MONDAY)
    assert problem.pins == (
        sv.Assignment(key("staff", ann), 1, key("shift", day), key("station", station)),
    )


def test_run_solve_stores_a_draft_and_a_solve_run(tiny_site, make_rota):
    first = run_solve(tiny_site, MONDAY, time_limit=5)
    assert first.status is RotaStatus.DRAFT
    assert first.version == 1
    assert first.assignments
    assert first.solve_status in ("optimal", "feasible")
    run = db.session.scalar(db.select(SolveRun))
    assert run.status is SolveStatus.DONE
    assert run.rota is first
    assert run.finished_at is not None
    assert run.elapsed > 0  # the solve's time was written
    assert isinstance(first.costs, list)

    keep = first.assignments[0]
    keep.pinned = True
    db.session.commit()
    second = run_solve(tiny_site, MONDAY, time_limit=5)
    assert second.version == 2
    pinned = [a for a in second.assignments if a.pinned]
    assert [(a.staff_id, a.on_date, a.shift_type_id, a.station_id) for a in pinned] == [
        (keep.staff_id, keep.on_date, keep.shift_type_id, keep.station_id)
    ]
    assert db.session.scalar(db.select(db.func.count(Rota.id))) == 2


def test_run_solve_plans_a_site_group_together_and_cross_trains(
    make_site, make_shift, make_competency, make_station, make_staff, make_cover
):
    from scheduler.models import DevelopmentGoal, SiteGroup, SiteKind

    hospital = make_site("Hospital")
    store = make_site("Store", kind=SiteKind.RETAIL)
    db.session.add(SiteGroup(name="Health", sites=[hospital, store]))
    iv = make_competency("IV")
    fill = make_competency("FILL")
    h_day = make_shift(hospital, "D")
    s_day = make_shift(store, "D", start=(9, 0), end=(17, 0))
    iv_room = make_station(hospital, "IV room", [iv])
    counter = make_station(store, "Fill", [fill])
    make_staff(hospital, "Tess", {iv: "trainer"}, min_minutes_per_week=0)
    sam = make_staff(store, "Sam", {fill: "independent", iv: "observe"}, min_minutes_per_week=0)
    make_staff(store, "Lou", {fill: "independent"}, min_minutes_per_week=0)
    sam.goals.append(
        DevelopmentGoal(
            competency=iv,
            target_level=SkillLevel.INDEPENDENT,
            shifts_needed=2,
            deadline=MONDAY + timedelta(days=7),
            priority=3,
        )
    )
    for wd in range(7):
        make_cover(iv_room, h_day, weekday=wd, minimum=1, ideal=1)
        make_cover(counter, s_day, weekday=wd, minimum=1, ideal=1)
    db.session.commit()

    rota = run_solve(hospital, MONDAY, time_limit=10)
    store_rota = db.session.scalar(db.select(Rota).where(Rota.site_id == store.id))
    assert store_rota is not None  # one solve, a new draft for each site of the group
    trainee_days = [a for a in rota.assignments if a.staff_id == sam.id]
    assert len(trainee_days) == 2  # Sam trains twice in the hospital's IV room, beside Tess
    assert all(a.mode.value == "trainee" and a.station_id == iv_room.id for a in trainee_days)
    assert all(
        a.staff_id != sam.id
        for a in store_rota.assignments
        if a.on_date in {t.on_date for t in trainee_days}
    )


def test_pins_from_named_rotas_keep_pins_on_approved_leave(small, make_rota):
    site, ann, day, station = small["site"], small["ann"], small["day"], small["station"]
    published = make_rota(
        site,
        rows=[(ann, MONDAY, day, station), (ann, MONDAY + timedelta(days=1), day, station)],
        pinned=True,
    )
    ann.leave.append(Leave(start_date=MONDAY, end_date=MONDAY, kind=LeaveKind.SICK, approved=True))
    db.session.commit()
    default, _ = build_problem(site, MONDAY)
    assert default.pins == ()  # by default only the latest draft's pins count
    problem, _ = build_problem(site, MONDAY, pins_from=[published])
    assert problem.pins == tuple(  # never dropped here: the solve names the clash instead
        sv.Assignment(key("staff", ann), d, key("shift", day), key("station", station))
        for d in (0, 1)
    )


def test_reference_may_be_several_rotas(small, make_site, make_rota):
    site, ann, day, station = small["site"], small["ann"], small["day"], small["station"]
    first = make_rota(site, rows=[(ann, MONDAY, day, station)])
    second = make_rota(site, version=2, rows=[(small["rph"], MONDAY, day, station)])
    db.session.commit()
    problem, _ = build_problem(site, MONDAY, reference=[first, second])
    assert {a.person for a in problem.reference} == {key("staff", ann), key("staff", small["rph"])}
    single, _ = build_problem(site, MONDAY, reference=first)
    assert [a.person for a in single.reference] == [key("staff", ann)]


def test_a_replan_records_the_rota_it_kept_close_to(tiny_site):
    first = run_solve(tiny_site, MONDAY, time_limit=5)
    second = run_solve(tiny_site, MONDAY, time_limit=5, reference=[first])
    assert second.based_on is first
    assert second.version == 2
    assert not [c for c in second.costs if c["family"] == "stability"]  # nothing had to change


def test_nobody_is_rostered_where_nobody_is_needed(
    make_site, make_shift, make_competency, make_station, make_staff, make_cover
):
    """A shop needing one technician a weekday, with three on 0-40 h contracts: the rota
    puts one in each weekday, not all three (found when a new pharmacy tried it)."""
    site = make_site("Corner Pharmacy")
    day = make_shift(site, "D", (8, 0), (16, 0), name="Day")
    disp = make_competency("DISP", name="Dispensing")
    station = make_station(site, "Dispensary", [disp])
    contract = {"min_minutes_per_week": 0, "max_minutes_per_week": 2400}
    make_staff(site, "Pat", {disp: "independent"}, role=StaffRole.PHARMACIST, **contract)
    for name in ("Ann", "Ben"):
        make_staff(site, name, {disp: "independent"}, **contract)
    for wd in range(5):
        make_cover(station, day, weekday=wd, minimum=1, ideal=1)
    db.session.commit()
    rota = run_solve(site, MONDAY, time_limit=5)
    per_day = Counter(a.on_date for a in rota.assignments if a.station_id == station.id)
    assert per_day == {MONDAY + timedelta(days=d): 1 for d in range(5)}
