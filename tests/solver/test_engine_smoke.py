from scheduler.solver import solve


def test_tiny_problem_solves_with_time_limit(make_problem):
    result = solve(make_problem(), time_limit=5, workers=2)
    assert result.status == "optimal"
    assert result.rota is not None
