"""Command line: ``python -m scheduler.bench nrp PATH [--time-limit S] [--roster-out FILE]``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from ..solver import solve, validate
from . import nrp


def run_nrp(path: Path, time_limit: float, roster_out: Path | None, workers: int | None) -> dict:
    """Solve one benchmark instance and return its result record."""
    inst = nrp.parse(path)
    problem = nrp.to_problem(inst)
    started = time.monotonic()
    result = solve(problem, time_limit=time_limit, workers=workers, explain_infeasible=False)
    record = {
        "instance": inst.name,
        "objective": None,
        "bound": result.bound,
        "status": result.status,
        "seconds": round(time.monotonic() - started, 2),
        "build_seconds": round(result.build_seconds, 2),
    }
    if result.rota is not None:
        report = validate(problem, result.rota)
        record["objective"] = result.objective
        record["validator_objective"] = report.objective
        record["benchmark_objective"] = nrp.score(inst, result.rota)
        record["hard_violations"] = len(report.violations)
        if roster_out is not None:
            roster_out.write_text("\n".join(nrp.roster_lines(inst, result.rota)) + "\n")
    return record


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen benchmark."""
    parser = argparse.ArgumentParser(prog="python -m scheduler.bench")
    sub = parser.add_subparsers(dest="command", required=True)
    p_nrp = sub.add_parser("nrp", help="a Curtois & Qu instance file")
    p_nrp.add_argument("path", type=Path)
    p_nrp.add_argument("--time-limit", type=float, default=60.0)
    p_nrp.add_argument("--roster-out", type=Path)
    p_nrp.add_argument("--workers", type=int)
    args = parser.parse_args(argv)
    if not args.path.is_file():
        parser.error(f"no instance file at {args.path}")
    record = run_nrp(args.path, args.time_limit, args.roster_out, args.workers)
    print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
