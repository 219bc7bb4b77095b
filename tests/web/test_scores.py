"""The score level by level wherever a score is shown: week page, explanation, versions, home
page, solve progress, command line and the print compliance page."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from scheduler import jobs
from scheduler.extensions import db
from scheduler.models import Rota, RotaStatus, ShiftType, SolveRun, SolveStatus, Staff, Station
from scheduler.services import score_data, solve_runs, solving
from scheduler.services.rota_workflow import new_draft_from
from scheduler.solver import Progress
from scheduler.solver.penalties import Cost, Subject
from scheduler.solver.priorities import Rule

from .conftest import MONDAY

WEEK = MONDAY.isoformat()


def named(model, name):
    return db.session.scalar(db.select(model).where(model.name == name))


def text_of(html: str) -> str:
    """A page as a supervisor reads it: tags dropped, entities decoded, spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def cost(rule: Rule, level: int, amount: int, weight: int, family: str, sentence: str) -> dict:
    return score_data.cost_to_dict(
        Cost(family, f"{family}:{sentence}", weight, amount, Subject(), sentence, rule, level)
    )


COSTS = [
    cost(Rule.COVER, 1, 2, 1000, "cover", "Mon 2 Mar day, Order entry: 2 short of the minimum 2"),
    cost(
        Rule.CONTRACT_HOURS,
        3,
        120,
        1,
        "contract_hours",
        "Dov: 2 h below the 16 h the contract asks for in these 7 days",
    ),
    cost(Rule.GOALS, 4, 34, 10, "goals", "Tia: 34 supervised shifts short of the goal"),
    cost(Rule.FAIR_NIGHTS, 5, 45, 1, "fairness", "Nights spread unevenly by 45"),
]
LINE = "2 cover gaps · 2 h below contract · goals & more 340 · fairness & more 45"


@pytest.fixture
def solved(tiny_site, make_rota):
    """A draft of the tiny site as a solve stores it: costs on every level, bounds per level."""
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    rows = [
        (named(Staff, "Ann"), MONDAY + timedelta(days=d), day, named(Station, "Central fill"))
        for d in range(3)
    ]
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=rows)
    rota.costs = COSTS
    rota.objective = sum(c["total"] for c in COSTS)
    rota.solve_status = "feasible"
    rota.level_bounds = [2000.0, 0.0, 120.0, 300.0, None]
    db.session.commit()
    return rota


def week_text(client, rota: Rota) -> str:
    return text_of(client.get(f"/rotas/{rota.site_id}/{WEEK}").get_data(as_text=True))


# ----- the week page, its explanation and its versions ----------------------------------------


def test_the_week_page_shows_the_score_by_level_and_how_far_from_the_best(client, login, solved):
    login("supervisor")
    text = week_text(client, solved)
    assert f"Score by level (most important first; lower is better) {LINE}" in text
    assert (
        "How far from the best possible cover: best possible (proven) · contracts: best possible "
        "(proven) · goals & more: within 12 % of the best possible · fairness & more: not yet "
        "proven"
    ) in text
    # the versions table says the same, without the bounds
    assert "v1 Draft" in text
    assert text.count(LINE) >= 2


def test_the_explanation_groups_the_rules_under_a_heading_per_level(client, login, solved):
    login("pic")
    html = client.get(f"/rotas/{solved.site_id}/{WEEK}").get_data(as_text=True)
    assert '<h3 id="level-1-h">Level 1 – cover</h3>' in html
    text = text_of(html)
    order = [
        "Level 1 – cover",
        "2 cover gaps (2000 points) · best possible (proven)",
        "Order entry: 2 short of the minimum 2",
        "Level 3 – contracts",
        "2 h below contract (120 points)",
        "Dov: 2 h below",
        "Level 4 – goals & more",
        "goals & more 340 · within 12 % of the best",
        "Tia: 34 supervised shifts short",
        "Level 5 – fairness & more",
        "not yet proven",
        "Nights spread unevenly",
    ]
    at = [text.index(words, text.index("Explanation: the score rule by rule")) for words in order]
    assert at == sorted(at)


def test_a_sites_own_ranking_names_its_levels(client, login, solved):
    solved.priorities = {"levels": {"duties": 5, "volunteering": 5, "ideal_cover": 5}}
    db.session.commit()
    login("supervisor")
    text = week_text(client, solved)
    assert "2 cover gaps · 2 h below contract · goals 340 · duties & more 45" in text
    assert "Level 4 – goals" in text


def test_a_rota_stored_before_levels_reads_as_one_score(client, login, solved):
    solved.costs = [{k: v for k, v in c.items() if k not in ("rule", "level")} for c in COSTS]
    solved.level_bounds = None
    solved.bound = 2400.0
    db.session.commit()
    login("supervisor")
    text = week_text(client, solved)
    assert "Score by level (most important first; lower is better) score 2505" in text
    assert "score: within 5 % of the best possible" in text
    assert "cover gap" not in text  # its costs carry no rule to count gaps by
    assert "All rules together score 2505 · within 5 %" in text  # one heading over every rule
    assert "2505" in text_of(client.get("/").get_data(as_text=True))
    printed = text_of(client.get(f"/print/rota/{solved.id}").get_data(as_text=True))
    assert "Score by level: score 2505." in printed


def test_a_change_by_hand_keeps_the_levels_rescored_and_drops_the_bounds(client, login, solved):
    login("supervisor")
    gone = next(a for a in solved.assignments if a.on_date == MONDAY)
    page = client.post(
        f"/rotas/assignments/{gone.id}/remove",
        data={"rota": solved.id, "lock": solved.lock_version},
    )
    assert page.status_code == 302
    db.session.expire_all()
    assert solved.level_bounds is None
    assert all("level" in c for c in solved.costs)
    text = week_text(client, solved)
    line = text.split("Score by level (most important first; lower is better) ")[1]
    assert re.match(r"\d+ cover gaps? · \d+(\.\d)? h below contract", line)
    assert "Not known: the rota was changed by hand after the solve." in text
    assert "best possible (proven)" not in text
    printed = text_of(client.get(f"/print/rota/{solved.id}").get_data(as_text=True))
    assert "changed by hand after the solve" in printed


def test_a_new_draft_keeps_the_bounds_of_the_version_it_copies(solved, app):
    solved.status = RotaStatus.PUBLISHED
    db.session.commit()
    draft = new_draft_from(solved)
    assert draft.level_bounds == [2000.0, 0.0, 120.0, 300.0, None]


def test_a_week_with_no_rota_found_shows_no_score(client, login, tiny_site, make_rota):
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT)
    rota.solve_status = "infeasible"
    rota.costs = []
    db.session.commit()
    login("supervisor")
    text = week_text(client, rota)
    assert "Score by level (most important first; lower is better) –" in text
    assert "cover gap" not in text


# ----- the home page ---------------------------------------------------------------------------


def test_the_home_page_shows_each_weeks_score_by_level(client, login, solved):
    login("supervisor")
    text = text_of(client.get("/").get_data(as_text=True))
    assert "Score by level (lower is better)" in text
    assert LINE in text


# ----- the print compliance page -------------------------------------------------------------


def test_the_compliance_page_prints_the_score_by_level(client, login, solved):
    login("supervisor")
    html = client.get(f"/print/rota/{solved.id}").get_data(as_text=True)
    checks = text_of(html[html.index('id="checks-h"') :])
    assert f"Score by level: {LINE}. (Most important first; lower is better.)" in checks
    assert "How far from the best possible: cover: best possible (proven)" in checks
    assert "goals & more: within 12 % of the best possible" in checks


# ----- a solve: stored bounds, progress and its page ------------------------------------------


@pytest.fixture
def sync_jobs(app):
    app.config["SOLVE_JOBS_SYNC"] = True
    return app


def test_a_solve_stores_bounds_per_level_and_its_progress_says_them(
    client, login, tiny_site, sync_jobs
):
    login("supervisor")
    client.post(f"/rotas/{tiny_site.id}/{WEEK}/solve", data={"time_limit": 3, "generate": "y"})
    run = db.session.scalar(db.select(SolveRun))
    rota = run.rota
    assert len(rota.level_bounds) == 5
    assert len(run.best_levels) == 5
    assert len(run.best_level_bounds) == 5
    assert sum(run.best_levels) == rota.objective
    data = client.get(f"/rotas/runs/{run.id}.json").get_json()
    assert data["levels"] == run.best_levels
    assert re.match(r"\d+ cover gaps? · \d+(\.\d)? h below contract · ", data["score_line"])
    assert data["bound_line"].startswith("cover: ")
    assert "best possible" in data["bound_line"] or "not yet proven" in data["bound_line"]
    html = text_of(client.get(f"/rotas/runs/{run.id}").get_data(as_text=True))
    assert f"Best so far, by level: {data['score_line']}." in html
    assert f"How far from the best possible: {data['bound_line']}." in html
    week = week_text(client, rota)
    assert data["score_line"] in week


def test_a_running_solve_reports_its_points_level_by_level(client, login, tiny_site, app):
    run = solve_runs.open_run(tiny_site, MONDAY, 30)
    run.status = SolveStatus.RUNNING
    run.best_objective = 4080
    run.best_levels = [4000, 0, 0, 80, 0]
    run.best_level_bounds = [4000.0, None, None, None, None]
    db.session.commit()
    progress = jobs.progress(run.id)
    assert progress.score_line == (
        "cover 4000 · 0 h below contract · goals & more 80 · fairness & more 0"
    )
    assert progress.bound_line == (
        "cover: best possible (proven) · contracts: best possible (proven) · "
        "goals & more: not yet proven · fairness & more: best possible (proven)"
    )
    login("supervisor")
    data = client.get(f"/rotas/runs/{run.id}.json").get_json()
    assert data["score_line"] == progress.score_line
    assert "level_bounds" not in data  # raw bounds stay on the server: the words say it
    assert data["quality"] == "goals & more: best possible not yet proven"
    html = text_of(client.get(f"/rotas/runs/{run.id}").get_data(as_text=True))
    assert "Best so far, by level: cover 4000 · 0 h below contract" in html


def test_a_run_that_found_nothing_yet_says_so(client, login, tiny_site, app):
    run = solve_runs.open_run(tiny_site, MONDAY, 30)
    run.status = SolveStatus.RUNNING
    db.session.commit()
    data = jobs.progress(run.id).as_json()
    assert data["score_line"] == ""
    assert data["bound_line"] == ""
    login("supervisor")
    assert "No rota found yet." in client.get(f"/rotas/runs/{run.id}").get_data(as_text=True)


def test_the_progress_writer_stores_the_levels_and_their_bounds(app, tiny_site):
    run = solve_runs.open_run(tiny_site, MONDAY, 30)
    run.status = SolveStatus.RUNNING
    db.session.commit()
    writer = solving.ProgressWriter(run.id, None)
    writer(Progress(4080, None, 0.5, 2, 30, (4000, 0, 0, 80, 0), (4000.0, 0.0, 0.0, None, None)))
    db.session.expire_all()
    run = db.session.get(SolveRun, run.id)
    assert run.best_levels == [4000, 0, 0, 80, 0]
    assert run.best_level_bounds == [4000.0, 0.0, 0.0, None, None]


# ----- the command line -------------------------------------------------------------------------


def test_solve_week_prints_the_score_by_level_and_the_breakdown_by_level(tiny_site, runner):
    result = runner.invoke(
        args=["solve-week", "--site", "Tiny Pharmacy", "--week", WEEK, "--time-limit", "3"]
    )
    assert result.exit_code == 0, result.output
    out = result.output
    progress = [line for line in out.splitlines() if "rota(s) found" in line]
    assert progress
    assert all("best: " in line for line in progress)
    assert re.search(
        r"^Score by level: \d+ cover gaps? · \d+(\.\d)? h below contract · ", out, re.M
    )
    assert re.search(r"^How far from the best possible: cover: ", out, re.M)
    heads = re.findall(r"^  (Level \d) – ", out, re.M)
    assert heads == ["Level 1", "Level 3", "Level 4", "Level 5"]  # no re-plan: no level 2
    assert "objective:" not in out


def test_an_infinite_bound_is_stored_as_no_bound():
    bounds = (12.0, float("inf"), None, float("-inf"))
    assert score_data.json_bounds(bounds) == [12.0, None, None, None]
    assert score_data.json_bounds(()) is None
