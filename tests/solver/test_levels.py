"""Priority levels: cover first, never traded; contracts next; a short week still gets a rota."""

from dataclasses import replace
from datetime import date, time

import pytest

from scheduler.solver import (
    Competency,
    Contract,
    Cover,
    Goal,
    Level,
    Offer,
    OfferKind,
    Request,
    ShiftType,
    Skill,
    Station,
    Weights,
)
from scheduler.solver.priorities import Priorities, Rule, Strength

HUGE = 1_000_000  # far above the 1,000 a cover gap costs in one weighted sum
STRONG_EVERYWHERE = tuple(
    (rule, Strength.STRONG)
    for rule in Rule
    if rule.value not in ("cover", "required_duties", "contract_hours", "work_pattern")
)


@pytest.fixture
def one_fill_tech(make_problem, make_person):
    """Ann is the only person who can cover Fill on the day shift; Tom trains IV next door.

    Whatever lower rule is made enormous, keeping Ann at Fill is the only way to
    cover it, so a rota that takes her off Fill trades cover for something below it.
    """

    def build(**overrides):
        ann = make_person(
            "ann", skills={"fill": Skill(Level.INDEPENDENT), "iv": Skill(Level.SUPERVISED)}
        )
        tom = make_person("tom", skills={"iv": Skill(Level.TRAINER)})
        night = ShiftType("night", "Night", "S", time(23, 0), 480, night=True)
        fields = {
            "days": 3,
            "shift_types": (ShiftType("day", "Day", "S", time(7, 0), 480), night),
            "competencies": (Competency("fill", "Fill"), Competency("iv", "IV")),
            "stations": (
                Station("fill", "Fill", "S", ("fill",)),
                Station("iv", "IV room", "S", ("iv",)),
            ),
            "people": (ann, tom),
            "cover": tuple(Cover(d, "day", "fill", 1, 1) for d in range(3)),
            "priorities": Priorities(strengths=STRONG_EVERYWHERE),
        }
        fields.update(overrides)
        return make_problem(**fields)

    return build


TEMPTATIONS = {
    "a training goal": {
        "goals": (Goal("g", "ann", "iv", Level.INDEPENDENT, 3, date(2026, 3, 5), priority=3),),
        "weights": Weights(goal=HUGE),
    },
    "a wish for days off": {
        "requests": tuple(Request("ann", d, None, False, HUGE) for d in range(3))
    },
    "a wish for nights": {
        "requests": tuple(Request("ann", d, "night", True, HUGE) for d in range(3))
    },
    "volunteering at IV": {"offers": (Offer("ann", OfferKind.STATION, station="iv", weight=HUGE),)},
    "fair weekends": {
        "days": 7,
        "weights": Weights(weekend_fairness=HUGE),
        "cover": tuple(Cover(d, "day", "fill", 1, 1) for d in range(7)),
    },
    "a contract maximum of days in a row": {
        "people": None,  # filled below: Ann may work one day in a row
    },
}


@pytest.mark.parametrize("temptation", sorted(TEMPTATIONS))
def test_levels_no_lower_rule_takes_a_cover_slot(one_fill_tech, make_person, run, temptation):
    overrides = dict(TEMPTATIONS[temptation])
    if temptation == "fair weekends":  # Ann did every weekend lately; Tom could share them
        ann = make_person(
            "ann",
            skills={"fill": Skill(Level.INDEPENDENT), "iv": Skill(Level.SUPERVISED)},
            past={"weekend": 8},
        )
        overrides["people"] = (ann, make_person("tom", skills={"iv": Skill(Level.TRAINER)}))
    if overrides.get("people", ()) is None:
        ann = make_person(
            "ann",
            skills={"fill": Skill(Level.INDEPENDENT)},
            contract=Contract(max_consecutive_days=1),
        )
        overrides["people"] = (ann, make_person("tom", skills={"iv": Skill(Level.TRAINER)}))
        overrides["weights"] = Weights(pattern=HUGE)
    problem = one_fill_tech(**overrides)
    ranked = run(problem)
    assert ranked.status == "optimal"
    assert ranked.levels[0] == 0, ranked.costs
    assert not [c for c in ranked.costs if c.rule is Rule.COVER]
    for mode in ("levels", "weights"):  # one level per stage; one solve
        other = run(problem, lexicographic=mode)
        assert (other.status, other.levels) == ("optimal", ranked.levels)
    # The same weights in one weighted sum do trade the cover away: the test can fail.
    summed = run(
        replace(problem, priorities=Priorities(single_level=True, strengths=STRONG_EVERYWHERE))
    )
    assert [c for c in summed.costs if c.rule is Rule.COVER]


def test_levels_short_staffed_week_returns_a_rota_with_its_shortfalls_named(
    make_problem, make_person, run
):
    people = tuple(
        make_person(
            p,
            contract=Contract(
                min_minutes=5 * 480,
                max_minutes=5 * 480,
                max_consecutive_days=5,
                min_consecutive_days_off=2,
            ),
            unavailable=frozenset((d, None) for d in range(3)) if p == "ann" else frozenset(),
        )
        for p in ("ann", "ben")
    )
    problem = make_problem(
        people=people,
        cover=tuple(Cover(d, "day", "fill", 2, 2) for d in range(7)),
    )
    result = run(problem)
    assert result.status == "optimal"
    assert result.rota is not None
    gaps = [c for c in result.costs if c.rule is Rule.COVER]
    # Ann is away three days, Ben may work five: 14 heads wanted, 9 given.
    assert sum(c.amount for c in gaps) == 5
    assert result.levels[0] == 5 * 1000
    assert all("short of the minimum 2" in c.sentence for c in gaps)
    # Her contract is not cut for the days away here, so they show as hours below it.
    hours = [c.sentence for c in result.costs if c.rule is Rule.CONTRACT_HOURS]
    assert hours == ["Ann: 8 h below the 40 h the contract asks for in these 7 days"]


def test_levels_contracts_rank_below_cover_and_above_wishes(make_problem, make_person, run):
    ann = make_person("ann", contract=Contract(min_minutes=3 * 480))
    problem = make_problem(
        days=3,
        people=(ann,),
        requests=tuple(Request("ann", d, None, False, HUGE) for d in range(3)),
    )
    result = run(problem)
    assert result.levels[2] == 0  # the contract's hours kept, whatever the wishes weigh
    assert result.levels[4] == 3 * HUGE
    assert result.level_bounds == (0.0, 0.0, 0.0, 0.0, 3.0 * HUGE)


def test_levels_site_can_switch_a_rule_off_or_move_it_above_another(make_problem, make_person, run):
    day_off = Request("ann", 0, None, False, 10)
    problem = make_problem(days=1, requests=(day_off,), cover=(Cover(0, "day", "fill", 0, 1),))
    by_default = run(problem)  # ideal cover (level 4) comes before wishes (level 5)
    assert [(c.rule, c.level) for c in by_default.costs] == [(Rule.WISHES, 5)]
    off = run(replace(problem, priorities=Priorities(strengths=((Rule.WISHES, Strength.OFF),))))
    assert off.costs == []
    assert len(off.rota.assignments) == 1
    wishes_first = Priorities(
        levels=((Rule.WISHES, 4),), strengths=((Rule.WISHES, Strength.STRONG),)
    )
    moved = run(replace(problem, priorities=wishes_first))
    assert moved.rota.assignments == ()  # 3 x 10 for the wish beats 20 for the ideal head
    assert [(c.rule, c.level, c.total) for c in moved.costs] == [(Rule.IDEAL_COVER, 4, 20)]


def test_levels_dominating_weights_outweigh_everything_below():
    from ortools.sat.python import cp_model

    from scheduler.solver.solve import dominating_weights

    model = cp_model.CpModel()
    x = model.new_int_var(0, 4, "x")
    y = model.new_bool_var("y")
    weights = dominating_weights({1: 1000 * y, 2: 3 * x, 4: 10 - x})
    assert weights == {4: 1, 2: 11, 1: 11 + 11 * 12}
    assert dominating_weights({1: y, 2: (2**60) * y}) is None  # too large to be exact
