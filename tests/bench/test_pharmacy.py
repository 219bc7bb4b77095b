"""Generated pharmacy scenarios go through the web app's database and planning service."""

from scheduler.bench import pharmacy


def test_small_scenario_is_a_week_of_ten_people_at_a_retail_pharmacy(tmp_path):
    problem = pharmacy.build("small", seed=1, workdir=str(tmp_path))
    assert len(problem.people) == 10
    assert problem.days == 7
    assert len(problem.stations) == 4
    assert problem.cover


def test_small_scenario_solves_with_no_hard_violation():
    record = pharmacy.run("small", seed=0, time_limit=3, workers=2)
    assert record["objective"] is not None
    assert record["hard_violations"] == 0
    assert record["first_seconds"] is not None
    assert record["peak_memory_mb"] > 0
