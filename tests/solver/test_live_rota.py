"""Progress carries the best rota found so far, so the pages can show it while a solve runs."""

from __future__ import annotations

from dataclasses import replace

from scheduler.solver import solve, validate

from .conftest import cover_all
from .test_end_to_end import small_hospital


def test_progress_hands_over_rotas_the_validator_accepts():
    """Every rota handed over during a solve keeps every hard rule; the first comes at once."""
    problem = small_hospital()
    seen = []
    result = solve(problem, time_limit=2.0, workers=2, on_progress=seen.append)
    handed = [p for p in seen if p.rota is not None]
    assert result.rota is not None
    assert handed
    for progress in handed:
        assert validate(problem, progress.rota).violations == []
    assert handed[0].seconds < 2.0
    assert handed[-1].rota == result.rota  # the last one handed over is the answer


def test_progress_names_the_cover_gaps_of_the_rota_it_carries(make_problem, make_person):
    """With one person for two places a day, the rota handed over says where someone is missing."""
    base = make_problem(people=(make_person("ann"),), days=2)
    problem = replace(base, cover=cover_all(base, minimum=2))
    seen = []
    solve(problem, time_limit=1.0, workers=2, on_progress=seen.append)
    last = [p for p in seen if p.rota is not None][-1]
    report = validate(problem, last.rota)
    gaps = sum(c.amount for c in report.costs if c.family == "cover" and c.key.endswith(":under"))
    assert gaps == 2
    assert sum(missing for *_where, missing in last.short) == gaps
