"""The week page shows its solve live: Generate comes back to the week, which shows the progress,
the quality in words and the best rota so far while the solve runs, then the new version (or why
there is none) once it ends; a site planned together with it says which site is solving it."""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlsplit

import pytest

from scheduler import jobs
from scheduler.extensions import db
from scheduler.models import Site, SolveRun, SolveStatus
from scheduler.services import solve_runs, solving
from scheduler.services.run_messages import NO_ROTA_IN_TIME, no_rota_message
from scheduler.services.solve_runs import open_run

from .conftest import MONDAY
from .test_live_rota import group as group  # noqa: F401 (the fixture: two sites planned together)
from .test_live_rota import no_raw_bound, running_run, text_of

WEEK = MONDAY.isoformat()
QUALITY = "1 gap; within 4 % of the best possible"


def gap_rows(w) -> list[dict]:
    """Nora on the IV room on Monday, and the IV room one short on Tuesday."""
    iv, day, nora = w["iv"], w["day"], w["nora"]
    return [
        {"staff": nora.id, "date": WEEK, "shift": day.id, "station": iv.id,
         "duty": None, "mode": "works", "trainer": None},
        {"staff": None, "date": "2026-03-03", "shift": day.id, "station": iv.id, "short": 1},
    ]  # fmt: skip


def week_url(site: Site, **query) -> str:
    """A site's week page of the test week, with a query."""
    tail = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/rotas/{site.id}/{WEEK}" + (f"?{tail}" if tail else "")


def part(html: str, start: str, end: str = "</section>") -> str:
    """The piece of a page from the tag holding ``start`` to the next ``end``."""
    at = html.rindex("<", 0, html.index(start))
    return html[at : html.index(end, at)]


def words(html: str) -> str:
    """A piece of a page as read: tags dropped, and no space left before punctuation."""
    return re.sub(r"\s+([.,;:])", r"\1", text_of(html))


def said(html: str) -> str:
    """The text of the status region that screen readers announce."""
    found = re.search(r'<p class="said"([^>]*)>(.*?)</p>', html, re.S)
    assert found is not None, "no status region"
    assert 'role="status"' in found.group(1)
    assert 'aria-live="polite"' in found.group(1)
    return text_of(found.group(2))


# ----- while the solve runs ---------------------------------------------------------------------


def test_the_week_page_shows_the_running_solve_and_its_best_rota_so_far(client, login, group):
    hospital = group["hospital"]
    run = running_run(hospital, gap_rows(group), [100], [96.0])
    login("supervisor")
    html = client.get(week_url(hospital)).get_data(as_text=True)
    box = part(html, 'id="run"')
    assert f'data-progress-url="/rotas/runs/{run.id}.json"' in box
    assert 'data-finished="no"' in box
    assert said(html) == f"Solving: best rota so far, {QUALITY}."  # the quality, not the grid
    shown = text_of(html)
    assert f"Best rota so far: {QUALITY}." in shown
    assert "IV room Nora" in shown  # the grid, by station
    assert "1 short" in shown
    assert "Counter" not in shown  # the other site of the group is not this run's rota
    assert no_raw_bound(shown)
    # Stop: a button of its own, before the grid in the keyboard's order, back to this page
    stop = f'action="/rotas/runs/{run.id}/stop?site={hospital.id}"'
    assert stop in box
    assert box.index(stop) < box.index("IV room")
    assert "Stop and keep the best rota</button>" in box
    # without scripts the page reloads itself; with them, the one script keeps it up to date
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in html
    assert "js/rotas.js" in html
    assert f'data-ended-url="/rotas/{hospital.id}/{WEEK}?run={run.id}"' in box
    assert "No rota yet" not in html  # the solve is in its place
    assert 'id="solve"' not in html


def test_the_running_solve_takes_the_place_of_the_current_version(client, login, group, make_rota):
    hospital = group["hospital"]
    make_rota(hospital, rows=[(group["nora"], MONDAY, group["day"], group["iv"])])
    db.session.commit()
    run = running_run(hospital, gap_rows(group), [100], [96.0])
    login("supervisor")
    html = client.get(week_url(hospital)).get_data(as_text=True)
    assert f'data-progress-url="/rotas/runs/{run.id}.json"' in html
    assert 'id="by-station"' not in html  # version 1's grid waits
    assert (
        f'Version 1 stays as it is while the solve runs: <a href="/rotas/{hospital.id}/{WEEK}'
        '?version=1">see version 1</a>.' in html
    )
    version = client.get(week_url(hospital, version=1)).get_data(as_text=True)
    assert 'id="by-station"' in version  # asked for by number, the version itself
    assert "data-progress-url" not in version
    assert 'http-equiv="refresh"' not in version
    notice = words(part(version, 'id="solving"', "</p>"))
    assert "A solve of this week is running: watch it live." in notice
    assert f'<a href="/rotas/{hospital.id}/{WEEK}">watch it live</a>' in version


def test_a_pharmacist_in_charge_watches_but_has_no_stop_button(client, login, group):
    run = running_run(group["hospital"], gap_rows(group), [100], [96.0])
    login("pic")
    html = client.get(week_url(group["hospital"])).get_data(as_text=True)
    assert f'data-progress-url="/rotas/runs/{run.id}.json"' in html
    assert "IV room" in text_of(html)
    assert "Stop and keep the best rota" not in html


def test_before_the_first_rota_the_page_says_so(client, login, group):
    run = open_run(group["hospital"], MONDAY, 10.0, worker="test")
    login("supervisor")
    html = client.get(week_url(group["hospital"], run=run.id)).get_data(as_text=True)
    assert said(html) == "Solving: no rota found yet."
    assert "Best rota so far" not in html


def test_a_queued_solve_waits_for_a_worker(client, login, group):
    run = open_run(group["hospital"], MONDAY, 10.0)
    login("supervisor")
    html = client.get(week_url(group["hospital"])).get_data(as_text=True)
    assert run.status is SolveStatus.QUEUED
    assert said(html) == "Waiting for a worker."
    assert "Waiting for a worker to start this solve." in html


def test_the_json_says_the_same_words_and_never_a_bound(client, login, group):
    run = running_run(group["hospital"], gap_rows(group), [100], [96.0])
    login("supervisor")
    response = client.get(f"/rotas/runs/{run.id}.json")
    data = response.get_json()
    assert data["state"] == "solving"
    assert data["said"] == f"Solving: best rota so far, {QUALITY}."
    assert data["rota_url"] is None
    assert no_raw_bound(response.get_data(as_text=True))


# ----- generate: back to the week ----------------------------------------------------------------


@pytest.fixture
def held_solve(app, monkeypatch):
    """Solves run in threads and the engine waits until stopped before solving, so a run
    stays 'running' while the test reads the week page."""
    app.config.update(REDIS_URL="", SOLVE_HEARTBEAT_SECONDS=0.2, SOLVE_STOP_POLL=0.1)
    real = solving.sv.solve
    started = threading.Event()

    def waiting(problem, *, stop=None, on_progress=None, **kwargs):
        started.set()
        if stop is not None:
            stop.wait(20)
        return real(problem, time_limit=1, on_progress=on_progress, stop=None)

    monkeypatch.setattr(solving.sv, "solve", waiting)
    return started


def test_generate_comes_back_to_the_week_page_solving_live(client, login, tiny_site, held_solve):
    login("supervisor")
    page = client.post(f"{week_url(tiny_site)}/solve", data={"time_limit": 30, "generate": "y"})
    assert page.status_code == 302
    run_id = int(parse_qs(urlsplit(page.location).query)["run"][0])
    assert page.location.endswith(week_url(tiny_site, run=run_id))
    assert held_solve.wait(10)
    html = client.get(page.location).get_data(as_text=True)
    assert f'data-progress-url="/rotas/runs/{run_id}.json"' in html
    assert "Generating a rota: solving" in text_of(html)
    assert said(html) == "Solving: no rota found yet."

    # Stop on the week page comes back to the week page, which says it is stopping.
    stopped = client.post(f"/rotas/runs/{run_id}/stop?site={tiny_site.id}")
    assert stopped.location.endswith(week_url(tiny_site, run=run_id))
    assert "the best rota found so far will be kept" in client.get(stopped.location).get_data(
        as_text=True
    )
    assert jobs.wait(run_id, 20)
    html = client.get(stopped.location).get_data(as_text=True)
    assert f"Solve {run_id} was stopped: version 1 is its new draft." in text_of(html)
    assert "data-progress-url" not in html


def test_a_stop_with_a_site_outside_the_group_goes_to_the_run_page(client, login, group, make_site):
    run = running_run(group["hospital"], [], [0], [0.0])
    elsewhere = make_site("Elsewhere")
    db.session.commit()
    login("supervisor")
    page = client.post(f"/rotas/runs/{run.id}/stop?site={elsewhere.id}")
    assert page.location.endswith(f"/rotas/runs/{run.id}")


# ----- once it has ended ---------------------------------------------------------------------


def test_once_done_the_week_page_shows_the_new_version(client, login, tiny_site, app):
    app.config["SOLVE_JOBS_SYNC"] = True  # the solve ends before the answer
    login("supervisor")
    page = client.post(f"{week_url(tiny_site)}/solve", data={"time_limit": 2, "generate": "y"})
    run = db.session.scalar(db.select(SolveRun))
    assert page.location.endswith(week_url(tiny_site, run=run.id))
    html = client.get(page.location).get_data(as_text=True)
    assert f"Solve {run.id} is done: version 1 is its new draft." in text_of(html)
    assert "Version 1: Draft" in text_of(html)
    assert 'id="by-station"' in html
    assert "data-progress-url" not in html
    assert 'http-equiv="refresh"' not in html  # nothing left to wait for
    data = client.get(f"/rotas/runs/{run.id}.json").get_json()
    assert data["rota_url"].endswith(week_url(tiny_site, version=1))  # where the script goes
    assert data["said"].startswith("Done: version 1")
    assert no_raw_bound(data["said"])


def test_a_solve_that_found_no_rota_shows_the_reasons_in_place(client, login, group):
    run = open_run(group["hospital"], MONDAY, 5.0, worker="test")
    solve_runs.end_run(
        run.id, SolveStatus.FAILED, no_rota_message(["Nora is on leave on Tue 3 Mar"])
    )
    login("supervisor")
    html = client.get(week_url(group["hospital"], run=run.id)).get_data(as_text=True)
    box = text_of(part(html, 'id="no-rota"'))
    assert f"Solve {run.id} found no rota, so nothing was stored." in box
    assert "Nora is on leave on Tue 3 Mar" in box
    assert 'id="run-outcome"' not in html  # the reasons say it: no second sentence
    assert "data-progress-url" not in html
    data = client.get(f"/rotas/runs/{run.id}.json").get_json()
    assert data["rota_url"] is None
    assert data["said"] == "Failed: no rota was stored."


def test_a_solve_that_ran_out_of_time_says_so_on_the_week_page(client, login, group):
    run = open_run(group["hospital"], MONDAY, 5.0, worker="test")
    solve_runs.end_run(run.id, SolveStatus.FAILED, no_rota_message([]))
    login("supervisor")
    html = client.get(week_url(group["hospital"], run=run.id)).get_data(as_text=True)
    outcome = part(html, 'id="run-outcome"', "</p>")
    assert 'class="problem"' in outcome
    assert words(outcome) == (
        f"Solve {run.id} ended without a rota. {NO_ROTA_IN_TIME} Solve {run.id} in detail."
    )
    assert f'<a href="/rotas/runs/{run.id}">Solve {run.id} in detail</a>' in outcome
    assert "No rota yet" in html  # and the week as it is: generate again, with more time


def test_an_unknown_or_foreign_run_in_the_address_is_ignored(client, login, group, tiny_site):
    other = open_run(tiny_site, MONDAY, 5.0, worker="test")
    solve_runs.end_run(other.id, SolveStatus.FAILED, "not this week's")
    login("supervisor")
    for run_id in (other.id, 9999, "abc"):
        page = client.get(week_url(group["hospital"], run=run_id))
        assert page.status_code == 200
        assert "not this week's" not in page.get_data(as_text=True)
        assert 'id="run-outcome"' not in page.get_data(as_text=True)


# ----- the run's own page ---------------------------------------------------------------------


def test_the_run_page_opens_the_new_version_only_if_it_saw_the_run_running(client, login, group):
    run = running_run(group["hospital"], gap_rows(group), [100], [96.0])
    login("supervisor")
    html = client.get(f"/rotas/runs/{run.id}").get_data(as_text=True)
    assert 'data-finished="no"' in html  # the script opens the version when the run ends
    assert said(html) == f"Solving: best rota so far, {QUALITY}."
    solve_runs.end_run(run.id, SolveStatus.FAILED, no_rota_message([]))
    html = client.get(f"/rotas/runs/{run.id}").get_data(as_text=True)
    assert 'data-finished="yes"' in html  # history: the page stays as it is
    assert "Back to the week" in html


# ----- a group solve --------------------------------------------------------------------------


def test_a_site_planned_together_shows_which_site_is_solving_it(client, login, group):
    hospital, shop = group["hospital"], group["shop"]
    run = running_run(hospital, gap_rows(group), [100], [96.0])
    login("supervisor")
    html = client.get(week_url(shop)).get_data(as_text=True)
    notice = words(part(html, 'id="solved-with"', "</p>"))
    assert notice == (
        "This week is being solved with Riverside Hospital (planned together): the solve makes "
        "a new draft of Main Street Pharmacy too, shown here when it ends. Watch the best rota "
        "so far at Riverside Hospital."
    )
    assert f'href="/rotas/{hospital.id}/{WEEK}">Watch the best rota so far at' in html
    box = part(html, 'id="run"')
    assert f'data-progress-url="/rotas/runs/{run.id}.json?site={shop.id}"' in box
    assert f'action="/rotas/runs/{run.id}/stop?site={shop.id}"' in box
    assert said(html) == "Solving: this week is being solved with Riverside Hospital."
    assert "Nora" not in box  # the run keeps only the hospital's rota while it solves
    data = client.get(f"/rotas/runs/{run.id}.json?site={shop.id}").get_json()
    assert data["rota_html"] == ""
    assert data["said"] == "Solving: this week is being solved with Riverside Hospital."
    assert client.get(f"/rotas/runs/{run.id}.json?site=9999").status_code == 404
    # the site that started it shows the run with its grid
    html = client.get(week_url(hospital)).get_data(as_text=True)
    assert "IV room Nora" in text_of(html)
    assert 'id="solved-with"' not in html


def test_after_a_group_solve_each_site_opens_its_own_new_draft(client, login, group):
    hospital, shop = group["hospital"], group["shop"]
    solving.run_solve(hospital, MONDAY, time_limit=1.0)
    run = db.session.scalar(db.select(SolveRun))
    login("supervisor")
    data = client.get(f"/rotas/runs/{run.id}.json?site={shop.id}").get_json()
    assert data["rota_url"].endswith(week_url(shop, version=1))
    assert data["said"] == "Done: this week is solved with Riverside Hospital."
    html = client.get(week_url(shop, run=run.id)).get_data(as_text=True)
    assert (
        f"Solve {run.id} of Riverside Hospital is done: it made a new draft of Main Street "
        "Pharmacy too." in text_of(html)
    )
    assert "Version 1: Draft" in text_of(html)


def test_a_solve_that_ends_as_the_page_is_drawn_shows_how_it_ended(
    client, login, group, monkeypatch
):
    """Found running, ended by the time its progress is read: the week as the run left it,
    not a live view that would wait for nothing."""
    run = running_run(group["hospital"], gap_rows(group), [100], [96.0])
    real = jobs.progress

    def ends_first(run_id):
        solve_runs.end_run(run_id, SolveStatus.FAILED, no_rota_message([]))
        return real(run_id)

    monkeypatch.setattr(jobs, "progress", ends_first)
    login("supervisor")
    html = client.get(week_url(group["hospital"])).get_data(as_text=True)
    assert "data-progress-url" not in html
    assert f"Solve {run.id} ended without a rota. {NO_ROTA_IN_TIME}" in words(html)
