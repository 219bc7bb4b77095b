"""The registry: hard families first, unique names, and a test file for every family."""

from pathlib import Path

from scheduler.solver.constraints import REGISTRY, family


def test_registry_lists_hard_families_before_soft_ones():
    hardness = [f.hard for f in REGISTRY]
    assert hardness == sorted(hardness, reverse=True)
    assert any(hardness)
    assert not all(hardness)


def test_family_names_are_unique_and_found_by_name():
    names = [f.name for f in REGISTRY]
    assert len(names) == len(set(names))
    assert all(family(n).name == n for n in names)


def test_every_family_has_its_own_test_file():
    here = Path(__file__).parent
    missing = [f.name for f in REGISTRY if not (here / f"test_{f.name}.py").is_file()]
    assert missing == []
