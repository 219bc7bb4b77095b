"""The benchmark parser, its mapping onto the engine, and the roster writer."""

from pathlib import Path

from scheduler.bench import nrp
from scheduler.bench.__main__ import main
from scheduler.solver import solve, validate

DATA = Path(__file__).parent / "data"


def test_parser_reads_every_section_of_instance2():
    inst = nrp.parse(DATA / "Instance2.txt")
    assert inst.days == 14
    assert len(inst.staff) == 14
    assert {s.id for s in inst.shifts} == {"E", "L"}
    late = next(s for s in inst.shifts if s.id == "L")
    assert late.forbidden_next == ("E",)  # an early shift may not follow a late one
    assert len(inst.cover) == 14 * 2
    assert all(under == 100 and over == 1 for *_x, under, over in inst.cover)
    first = inst.staff[0]
    assert set(first.max_shifts) == {"E", "L"}
    assert first.max_minutes >= first.min_minutes > 0


def test_mapping_reproduces_the_benchmark_objective_for_any_roster():
    inst = nrp.parse(DATA / "Instance1.txt")
    problem = nrp.to_problem(inst)
    # Everyone works Monday to Friday of the first week, nothing else.
    lines = [" ".join([e.id] + ["D" if d < 5 else "." for d in range(14)]) for e in inst.staff]
    rota = nrp.read_roster(inst, lines)
    assert validate(problem, rota).objective == nrp.score(inst, rota)
    assert nrp.roster_lines(inst, rota) == lines


def test_instance1_solves_to_its_proven_optimum_607():
    inst = nrp.parse(DATA / "Instance1.txt")
    problem = nrp.to_problem(inst)
    result = solve(problem, time_limit=30, workers=2)
    assert result.status == "optimal"
    assert result.objective == 607
    report = validate(problem, result.rota)
    assert report.ok
    assert report.objective == 607 == nrp.score(inst, result.rota)


def test_cli_prints_one_json_line_and_writes_the_roster(tmp_path, capsys):
    out = tmp_path / "roster.txt"
    args = ["nrp", str(DATA / "Instance1.txt"), "--time-limit", "20", "--roster-out", str(out)]
    assert main(args) == 0
    import json

    record = json.loads(capsys.readouterr().out.strip())
    assert record["instance"] == "Instance1"
    assert record["objective"] == record["benchmark_objective"] == record["validator_objective"]
    lines = out.read_text().splitlines()
    assert len(lines) == 8
    assert all(len(line.split()) == 15 for line in lines)


def test_cli_all_prints_the_table_and_writes_markdown(tmp_path, capsys):
    folder = tmp_path / "insts"
    folder.mkdir()
    (folder / "Instance1.txt").write_bytes((DATA / "Instance1.txt").read_bytes())
    best = tmp_path / "best.csv"
    best.write_text("instance,best_known,gurobi_60min\nInstance1,607,607\n")
    md = tmp_path / "table.md"
    args = [
        "nrp",
        "--all",
        str(folder),
        "--time-limit",
        "20",
        "--best-known",
        str(best),
        "--markdown",
        str(md),
    ]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Instance1" in out
    assert "607" in out
    text = md.read_text()
    assert "| Instance1 | 8 x 14 | 607 | 607 | 607 | +0.0% |" in text
    assert text.startswith("Command: `python -m scheduler.bench nrp --all")


def test_sub_problem_prices_a_block_of_people_against_the_others_cover():
    from scheduler.solver.decompose import independent, sub_problem

    inst = nrp.parse(DATA / "Instance2.txt")
    problem = nrp.to_problem(inst)
    assert independent(problem)
    lines = [" ".join([e.id] + ["E" if d % 7 < 4 else "." for d in range(14)]) for e in inst.staff]
    rota = nrp.read_roster(inst, lines)
    block = [inst.staff[0].id, inst.staff[1].id]
    fixed = [a for a in rota.assignments if a.person not in block]
    mine = nrp.Rota(tuple(a for a in rota.assignments if a.person in block))
    other = nrp.Rota(tuple(fixed))
    sub = sub_problem(problem, block, fixed)
    # The block's objective differs from the whole rota's by what the block cannot change.
    whole = validate(problem, rota).objective
    alone = validate(sub, mine).objective
    empty = validate(sub, nrp.Rota(())).objective
    assert whole - alone == validate(problem, other).objective - empty


def test_long_horizons_are_solved_in_blocks_of_people_with_no_hard_violation():
    inst = nrp.parse(DATA / "Instance2.txt")
    problem = nrp.to_problem(inst)
    from scheduler.solver.solve import _solve_blocks

    result = _solve_blocks(problem, 8.0, 2, None, None, None, 0)
    assert result.strategy == "blocks"
    assert result.rota is not None
    report = validate(problem, result.rota)
    assert report.ok
    assert report.objective == result.objective == nrp.score(inst, result.rota)
