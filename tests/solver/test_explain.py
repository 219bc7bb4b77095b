"""Explanations: conflicting rules summarised per family; the score told level by level."""

from scheduler.solver.constraints.base import Guard
from scheduler.solver.explain import (
    bound_line,
    bound_words,
    breakdown_by_level,
    format_breakdown_by_level,
    level_scores,
    score_line,
    summarise,
)
from scheduler.solver.penalties import Cost, Subject
from scheduler.solver.priorities import Priorities, Rule


def guard(family: str, n: int) -> Guard:
    return Guard(family, f"{family}:{n}", f"{family} rule {n}", literal=None)


def test_a_short_conflict_is_listed_whole():
    guards = [guard("workload", 1), guard("sequences", 1)]
    assert summarise(guards) == ["workload rule 1", "sequences rule 1"]


def test_a_long_conflict_keeps_two_of_each_family_and_counts_the_rest():
    guards = [guard("supervision", n) for n in range(40)] + [guard("workload", 1)]
    assert summarise(guards) == [
        "supervision rule 0",
        "supervision rule 1",
        "... and 38 more rule(s) like these",
        "workload rule 1",
    ]


# ----- the score level by level -------------------------------------------------------


def cost(rule: Rule, level: int, amount: int, weight: int = 1, family: str = "") -> Cost:
    return Cost(
        family=family or rule.value,
        key=f"{rule.value}:{amount}",
        weight=weight,
        amount=amount,
        subject=Subject(),
        sentence=f"{rule.value} x{amount}",
        rule=rule,
        level=level,
    )


COSTS = [
    cost(Rule.CONTRACT_HOURS, 3, 120),
    cost(Rule.GOALS, 4, 34, weight=10, family="goals"),
    cost(Rule.FAIR_NIGHTS, 5, 45, family="fairness"),
]


def test_each_level_has_its_phrase_in_a_supervisors_words():
    levels = level_scores(COSTS, Priorities())
    assert [(s.number, s.title, s.points) for s in levels] == [
        (1, "cover", 0),  # level 2 (changes) is left out: nothing was re-planned
        (3, "contracts", 120),
        (4, "goals & more", 340),
        (5, "fairness & more", 45),
    ]
    assert score_line(levels) == (
        "0 cover gaps \u00b7 2 h below contract \u00b7 goals & more 340 \u00b7 fairness & more 45"
    )
    assert [s.bound for s in levels] == ["", "", "", ""]  # no bound known: nothing said
    assert bound_line(levels) == ""


def test_gaps_missing_duties_and_pattern_breaches_are_counted_in_heads_and_occurrences():
    costs = [
        cost(Rule.COVER, 1, 2, weight=1000),
        cost(Rule.COVER, 1, 1, weight=1000),
        cost(Rule.REQUIRED_DUTIES, 1, 1, weight=500),
        cost(Rule.CONTRACT_HOURS, 3, 90),
        cost(Rule.WORK_PATTERN, 3, 1, weight=240),
    ]
    first, second = level_scores(costs, Priorities())[:2]
    assert first.phrase == "3 cover gaps \u00b7 1 required duty occurrence missing"
    assert first.points == 3500
    assert second.phrase == "1.5 h below contract \u00b7 1 work-pattern breach"
    one = level_scores([cost(Rule.COVER, 1, 1)], Priorities())[0]
    assert one.phrase == "1 cover gap"


def test_the_bound_says_how_far_from_the_best_possible_each_level_can_be():
    levels = level_scores(COSTS, Priorities(), [0.0, 0.0, 120.0, 300.0, None])
    assert [s.bound for s in levels] == [
        "best possible (proven)",  # no gap at all is the best there is
        "best possible (proven)",
        "within 12 % of the best possible",  # (340 - 300) / 340, rounded up
        "not yet proven",
    ]
    assert bound_line(levels) == (
        "cover: best possible (proven) \u00b7 contracts: best possible (proven) \u00b7 "
        "goals & more: within 12 % of the best possible \u00b7 fairness & more: not yet proven"
    )


def test_bound_words_round_a_solvers_float_bound_and_ignore_a_trivial_one():
    assert bound_words(340, 339.9999999) == "best possible (proven)"
    assert bound_words(340, 0.0) == "not yet proven"
    assert bound_words(100, 99.0) == "within 1 % of the best possible"
    assert bound_words(0, None) == "best possible (proven)"


def test_a_problem_of_one_level_says_score():
    levels = level_scores(COSTS, Priorities.benchmark(), [480.0])
    assert score_line(levels) == "score 505"
    assert levels[0].heading == "All rules together"
    assert bound_line(levels) == "score: within 5 % of the best possible"


def test_a_site_ranking_names_its_levels_by_their_rules():
    only_goals = Priorities(
        levels=(
            (Rule.DUTIES, 5),
            (Rule.VOLUNTEERING, 5),
            (Rule.IDEAL_COVER, 5),
        )
    )
    levels = level_scores(COSTS, only_goals)
    assert levels[2].phrase == "goals 340"
    assert levels[2].heading == "Level 4 \u2013 goals"


def test_the_breakdown_is_grouped_by_level_with_a_heading_per_level():
    groups = breakdown_by_level(COSTS, Priorities())
    assert [(level.heading, [s.family for s in scores]) for level, scores in groups] == [
        ("Level 1 \u2013 cover", []),
        ("Level 3 \u2013 contracts", ["contract_hours"]),
        ("Level 4 \u2013 goals & more", ["goals"]),
        ("Level 5 \u2013 fairness & more", ["fairness"]),
    ]
    lines = format_breakdown_by_level(COSTS, Priorities(), [0, 0, 120, 300, None])
    assert lines[0] == "Level 1 \u2013 cover: 0 cover gaps; best possible (proven)"
    assert lines[1] == "Level 3 \u2013 contracts: 2 h below contract; best possible (proven)"
    assert lines[2].startswith("  Hours")
    assert "Level 4 \u2013 goals & more: 340 points; within 12 % of the best possible" in lines


def test_the_changes_of_a_replan_are_level_2_in_shifts_and_people():
    def change(person: str, day: int | None, weight: int) -> Cost:
        return Cost(
            family="stability",
            key=f"stability:{person}:{day}",
            weight=weight,
            amount=1,
            subject=Subject(person=person, day=day),
            sentence="changed",
            rule=Rule.STABILITY,
            level=2,
        )

    costs = [change("ann", 3, 150), change("ann", 4, 50), change("ann", None, 100)]
    costs.append(change("ben", 3, 150))
    costs.append(change("ben", None, 100))
    levels = level_scores(costs, Priorities())
    assert levels[1].heading == "Level 2 \u2013 changes"
    assert levels[1].phrase == "3 shifts changed for 2 people"
    assert levels[1].points == 550
