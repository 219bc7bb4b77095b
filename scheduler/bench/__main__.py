"""Command line for the benchmarks.

``python -m scheduler.bench nrp PATH [--time-limit S] [--roster-out FILE]`` solves one
Curtois & Qu instance and prints one JSON line; ``nrp --all DIR`` solves a folder and
prints a table (``--markdown FILE`` also writes it); ``pharmacy --size small|medium|large``
solves a generated pharmacy scenario through the web app's path.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from ..solver import solve, validate
from . import nrp, pharmacy

BEST_KNOWN = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "best_known.csv"
LONG_DAYS = 182  # horizons of 26 weeks and more get the long time limit


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
        "first_seconds": None if result.first_seconds is None else round(result.first_seconds, 2),
        "strategy": result.strategy,
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


def read_best_known(path: Path) -> dict[str, dict[str, str]]:
    """The best-known table, by instance name (empty when the file is absent)."""
    if not path.is_file():
        return {}
    with path.open(newline="") as fh:
        return {row["instance"]: row for row in csv.DictReader(fh)}


def _instance_key(path: Path) -> tuple[int, str]:
    """Sort Instance2 before Instance10."""
    digits = "".join(ch for ch in path.stem if ch.isdigit())
    return (int(digits) if digits else 0, path.stem)


def gap_percent(objective: int | None, best: str | None) -> float | None:
    """How far an objective lies above the best known value, in percent."""
    if objective is None or not best:
        return None
    return round(100.0 * (objective - int(best)) / int(best), 1)


def table_rows(records: list[dict], best: dict[str, dict[str, str]]) -> list[list[str]]:
    """One row per instance: name, size, best known, Gurobi 60 min, ours, gap, times, status."""
    rows = []
    for r in records:
        known = best.get(r["instance"], {})
        gap = gap_percent(r.get("objective"), known.get("best_known"))
        rows.append(
            [
                r["instance"],
                f"{r.get('staff', '')} x {r.get('days', '')}",
                known.get("best_known", "") or "-",
                known.get("gurobi_60min", "") or "-",
                "no rota" if r.get("objective") is None else str(r["objective"]),
                "-" if gap is None else f"{gap:+.1f}%",
                "-" if r.get("first_seconds") is None else f"{r['first_seconds']:.1f}",
                f"{r['seconds']:.1f}",
                f"{r['status']} ({r.get('strategy', '')})",
                str(r.get("hard_violations", "-")),
            ]
        )
    return rows


HEADER = [
    "instance",
    "staff x days",
    "best known",
    "Gurobi 60 min",
    "ours",
    "gap",
    "first rota s",
    "seconds",
    "status (strategy)",
    "hard violations",
]


def markdown_table(rows: list[list[str]]) -> str:
    """Rows as a markdown table under the standard header."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def run_all(args) -> int:
    """Solve every instance of a folder and print (and optionally write) the table."""
    paths = sorted(args.path.glob("*.txt"), key=_instance_key)
    best = read_best_known(args.best_known)
    records = []
    for path in paths:
        inst = nrp.parse(path)
        limit = args.long_time_limit if inst.days >= LONG_DAYS else args.time_limit
        roster = args.roster_dir / f"{path.stem}.roster" if args.roster_dir else None
        record = run_nrp(path, limit, roster, args.workers)
        record.update(staff=len(inst.staff), days=inst.days, time_limit=limit)
        records.append(record)
        print(json.dumps(record), file=sys.stderr, flush=True)
    rows = table_rows(records, best)
    widths = [max(len(x) for x in col) for col in zip(HEADER, *rows, strict=False)]
    for row in [HEADER, *rows]:
        print("  ".join(x.ljust(w) for x, w in zip(row, widths, strict=True)))
    if args.markdown:
        command = "python -m scheduler.bench " + " ".join(
            sys.argv[1:] if args.argv is None else args.argv
        )
        args.markdown.write_text(f"Command: `{command}`\n\n{markdown_table(rows)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the chosen benchmark."""
    parser = argparse.ArgumentParser(prog="python -m scheduler.bench")
    sub = parser.add_subparsers(dest="command", required=True)
    p_nrp = sub.add_parser("nrp", help="a Curtois & Qu instance file, or a folder with --all")
    p_nrp.add_argument("path", type=Path)
    p_nrp.add_argument("--all", action="store_true", help="solve every *.txt in the folder PATH")
    p_nrp.add_argument("--time-limit", type=float, default=60.0)
    p_nrp.add_argument(
        "--long-time-limit",
        type=float,
        default=300.0,
        help="time limit for horizons of 26 weeks and more (with --all)",
    )
    p_nrp.add_argument("--roster-out", type=Path)
    p_nrp.add_argument("--roster-dir", type=Path, help="with --all: write each roster here")
    p_nrp.add_argument("--markdown", type=Path, help="with --all: write the table here")
    p_nrp.add_argument("--best-known", type=Path, default=BEST_KNOWN)
    p_nrp.add_argument("--workers", type=int)
    p_ph = sub.add_parser("pharmacy", help="a generated pharmacy scenario")
    p_ph.add_argument("--size", choices=("small", "medium", "large"), required=True)
    p_ph.add_argument("--seed", type=int, default=0)
    p_ph.add_argument("--time-limit", type=float)
    p_ph.add_argument("--workers", type=int)
    p_ph.add_argument(
        "--lexicographic",
        choices=("stages", "levels", "weights"),
        default="stages",
        help="stages (default): each level with the ones below it under "
        "dominating weights; levels: one level per stage; weights: one solve",
    )
    args = parser.parse_args(argv)
    args.argv = argv
    if args.command == "pharmacy":
        limit = args.time_limit or (60.0 if args.size == "large" else 10.0)
        record = pharmacy.run(args.size, args.seed, limit, args.workers, args.lexicographic)
        print(json.dumps(record), flush=True)
        return 0
    if args.all:
        if not args.path.is_dir():
            parser.error(f"no folder at {args.path}")
        if args.roster_dir:
            args.roster_dir.mkdir(parents=True, exist_ok=True)
        return run_all(args)
    if not args.path.is_file():
        parser.error(f"no instance file at {args.path}")
    record = run_nrp(args.path, args.time_limit, args.roster_out, args.workers)
    print(json.dumps(record), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
