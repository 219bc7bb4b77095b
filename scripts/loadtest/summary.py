"""Summarise a headless locust run from its CSV files: a table per request kind and the verdict.

    python scripts/loadtest/summary.py PREFIX --seconds 60 [--target-ms 300] [--markdown]

PREFIX is what ``locust --csv PREFIX`` was given; ``PREFIX_stats.csv`` and
``PREFIX_failures.csv`` are read. Page requests (HTTP) are listed with requests,
requests per second, median, 95th percentile and maximum in milliseconds, and errors;
whole solves (type ``SOLVE``) are listed in seconds. The verdict compares the 95th
percentile of rota pages with the target and counts errors; the exit status is 0 when
both targets are met, 1 when not, 2 when the CSV files are missing.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROTA_PAGE = "rota page"
SOLVE = "SOLVE"


@dataclass(frozen=True)
class Row:
    """One request kind from locust's statistics."""

    kind: str
    name: str
    requests: int
    failures: int
    median: float
    p95: float
    maximum: float

    @property
    def is_solve(self) -> bool:
        """Whether the row is a whole solve rather than an HTTP request."""
        return self.kind == SOLVE


@dataclass(frozen=True)
class Failure:
    """One kind of error locust recorded, with how often it happened."""

    method: str
    name: str
    error: str
    occurrences: int


def _number(text: str) -> float:
    """A CSV cell as a number ('N/A' and blanks read as 0)."""
    try:
        return float(text)
    except ValueError:
        return 0.0


def read_rows(path: Path) -> list[Row]:
    """Every request kind in a ``_stats.csv`` file, without locust's aggregated row."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Row(
                kind=line["Type"],
                name=line["Name"],
                requests=int(line["Request Count"]),
                failures=int(line["Failure Count"]),
                median=_number(line["50%"]),
                p95=_number(line["95%"]),
                maximum=_number(line["Max Response Time"]),
            )
            for line in csv.DictReader(handle)
            if line["Name"] != "Aggregated"
        ]


def read_failures(path: Path) -> list[Failure]:
    """Every error kind in a ``_failures.csv`` file (none when the file is absent)."""
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Failure(line["Method"], line["Name"], line["Error"], int(line["Occurrences"]))
            for line in csv.DictReader(handle)
        ]


@dataclass(frozen=True)
class Verdict:
    """The run against its targets: rota pages' 95th percentile and errors."""

    rota_p95: float | None
    target_ms: float
    errors: int

    @property
    def latency_met(self) -> bool:
        """Whether rota pages were fast enough (not met when none were measured)."""
        return self.rota_p95 is not None and self.rota_p95 <= self.target_ms

    @property
    def met(self) -> bool:
        """Whether every target was met."""
        return self.latency_met and self.errors == 0

    def lines(self) -> list[str]:
        """The verdict in words."""
        if self.rota_p95 is None:
            latency = f"Rota pages p95: not measured (no {ROTA_PAGE!r} requests): NOT MET"
        else:
            state = "met" if self.latency_met else "NOT MET"
            latency = (
                f"Rota pages p95: {self.rota_p95:.0f} ms against a target of "
                f"{self.target_ms:.0f} ms: {state}"
            )
        errors = f"Errors: {self.errors} against a target of 0: " + (
            "met" if self.errors == 0 else "NOT MET"
        )
        return [latency, errors]


def verdict(rows: list[Row], target_ms: float) -> Verdict:
    """Judge a run: rota pages' 95th percentile against the target, errors of every kind."""
    rota = next((r for r in rows if r.name == ROTA_PAGE and not r.is_solve), None)
    return Verdict(
        rota_p95=rota.p95 if rota is not None and rota.requests else None,
        target_ms=target_ms,
        errors=sum(r.failures for r in rows),
    )


def table(rows: list[Row], seconds: float, markdown: bool = False) -> list[str]:
    """The figures per request kind: pages in milliseconds, then whole solves in seconds."""
    pages = sorted((r for r in rows if not r.is_solve), key=lambda r: -r.requests)
    solves = sorted((r for r in rows if r.is_solve), key=lambda r: r.name)
    header = ["request kind", "requests", "req/s", "p50", "p95", "max", "errors"]
    body: list[list[str]] = []
    for row in pages:
        body.append(
            [
                row.name,
                str(row.requests),
                f"{row.requests / seconds:.1f}",
                f"{row.median:.0f} ms",
                f"{row.p95:.0f} ms",
                f"{row.maximum:.0f} ms",
                str(row.failures),
            ]
        )
    total = sum(r.requests for r in pages)
    body.append(
        [
            "all page requests",
            str(total),
            f"{total / seconds:.1f}",
            "",
            "",
            "",
            str(sum(r.failures for r in pages)),
        ]
    )
    for row in solves:
        body.append(
            [
                row.name,
                str(row.requests),
                "",
                f"{row.median / 1000:.1f} s",
                f"{row.p95 / 1000:.1f} s",
                f"{row.maximum / 1000:.1f} s",
                str(row.failures),
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return lines + ["| " + " | ".join(cells) + " |" for cells in body]
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]

    def render(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        return "  ".join([first] + [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)])

    rule = "-" * len(render(header))
    return [render(header), rule, *[render(cells) for cells in body]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: the CSV prefix, the test's length and the latency target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", help="The prefix given to locust --csv.")
    parser.add_argument(
        "--seconds",
        type=float,
        required=True,
        help="How long the test ran, for requests per second.",
    )
    parser.add_argument(
        "--target-ms",
        type=float,
        default=300.0,
        help="Target for the 95th percentile of rota pages (ms).",
    )
    parser.add_argument("--markdown", action="store_true", help="Print the table as Markdown.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Print the table, the errors seen and the verdict; exit 0 only when targets are met."""
    args = parse_args(argv)
    stats = Path(f"{args.prefix}_stats.csv")
    if not stats.exists():
        print(f"No locust statistics at {stats}; did locust run?", file=sys.stderr)
        return 2
    rows = read_rows(stats)
    for line in table(rows, args.seconds, args.markdown):
        print(line)
    failures = read_failures(Path(f"{args.prefix}_failures.csv"))
    if failures:
        print("\nErrors:")
        for failure in failures:
            print(f"  {failure.occurrences} x {failure.method} {failure.name}: {failure.error}")
    judged = verdict(rows, args.target_ms)
    print()
    for line in judged.lines():
        print(line)
    return 0 if judged.met else 1


if __name__ == "__main__":
    sys.exit(main())
