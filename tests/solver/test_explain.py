"""Explanations: a long list of conflicting rules is summarised per family, not cut silently."""

from scheduler.solver.constraints.base import Guard
from scheduler.solver.explain import summarise


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
