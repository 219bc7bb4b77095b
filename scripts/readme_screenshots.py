"""Refresh the screenshots README shows, from the browser journeys that take them.

Runs the browser tests that walk a new pharmacy from an empty install to a published
rota, the live solve and the pharmacist-in-charge's approval (each saves full-page
screenshots under the git-ignored ``artifacts/screenshots/``), then copies the ones
README uses to ``docs/screenshots/``, scaled to 1,000 px wide in 256 colours. Needs
Debian's Chromium and the test extra (``pip install -e '.[test]'``)::

    python scripts/readme_screenshots.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "artifacts" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
WIDTH = 1000
TALLEST = 1400  # a long page is cut below this height (after scaling)

JOURNEYS = [
    "tests/browser/test_first_run.py",
    "tests/browser/test_live_rota.py",
    "tests/browser/test_todo.py",
    "tests/browser/test_wall_chart.py",
]
USED = [
    "first-run-site",
    "first-run-cover",
    "first-run-levels",
    "first-run-published",
    "week-solving-live",
    "home-waiting-for-approval",
    "wall-chart-1400",
]


def scaled(source: Path, target: Path) -> None:
    """Save a copy of a screenshot WIDTH pixels wide, cut to TALLEST pixels high."""
    with Image.open(source) as image:
        height = round(image.height * WIDTH / image.width)
        small = image.convert("RGB").resize((WIDTH, height), Image.LANCZOS)
        small = small.crop((0, 0, WIDTH, min(height, TALLEST)))
        small.quantize(colors=256).save(target, optimize=True)  # a third of the bytes


def main() -> int:
    """Run the journeys, then copy and scale the screenshots README uses."""
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", *JOURNEYS], cwd=ROOT, check=False)
    if run.returncode != 0:
        print("A journey failed: screenshots left as they were.", file=sys.stderr)
        return run.returncode
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in USED:
        scaled(SHOTS / f"{name}.png", TARGET / f"{name}.png")
        print(f"docs/screenshots/{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
