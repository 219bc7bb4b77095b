"""How long from pressing "Generate" until the progress JSON first carries a rota to show.

Seeds the demo into a temporary SQLite database with the app's seed-demo command,
signs in as the demo supervisor, posts "Generate a new rota" for the demo hospital's
current week and polls the run's JSON until it carries the rota's rows (``rota_html``).
Run from the repository root:

    python scripts/first_rota_time.py [--runs 3] [--time-limit 10]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from scheduler import create_app, jobs
from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import Site


def measure(app, client, site_id: int, monday: str, time_limit: float, poll: float) -> float:
    """Seconds from the POST to the first progress JSON with rota rows, after which the
    solve is stopped and waited for."""
    started = time.monotonic()
    page = client.post(
        f"/rotas/{site_id}/{monday}/solve",
        data={"time_limit": time_limit, "generate": "Generate a new rota"},
    )
    run_id = int(re.search(r"[?&]run=(\d+)", page.headers["Location"]).group(1))
    while True:
        data = client.get(f"/rotas/runs/{run_id}.json").get_json()
        if data["rota_html"]:
            seconds = time.monotonic() - started
            break
        if data["finished"] or time.monotonic() - started > 60:
            raise SystemExit(f"run {run_id} ended without a rota to show: {data['message']}")
        time.sleep(poll)
    client.post(f"/rotas/runs/{run_id}/stop")
    with app.app_context():
        jobs.wait(run_id, 30)
        db.session.remove()
    return seconds


def main() -> None:
    """Seed, sign in, and time the first rota on screen a few times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--poll", type=float, default=0.05, help="seconds between polls")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'demo.db'}",
                "SECRET_KEY": "first-rota-time",
                "REDIS_URL": None,
                "WTF_CSRF_ENABLED": False,
            }
        )
        with app.app_context():
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, result.output
            site = db.session.scalar(db.select(Site).where(Site.name.like("%Hospital%")))
            site_id, name = site.id, site.name
            db.session.remove()
        client = app.test_client()
        client.post("/auth/login", data={"email": "super@demo.pharmacy", "password": "demo-super"})
        monday = monday_of(date.today()).isoformat()
        times = []
        for _ in range(args.runs):
            times.append(measure(app, client, site_id, monday, args.time_limit, args.poll))
        print(f"{name}, week of {monday}: first rota on screen after")
        print("  " + ", ".join(f"{t:.2f} s" for t in times))
        print(f"  median {statistics.median(times):.2f} s, worst {max(times):.2f} s")


if __name__ == "__main__":
    main()
