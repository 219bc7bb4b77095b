"""The rota shows itself: the best rota so far while a solve runs, its quality in words,
which sites a group solve redrafts, and each site's own score on the home page."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from scheduler import solver as sv
from scheduler.extensions import db
from scheduler.models import RotaStatus, SiteGroup, SiteKind, SolveRun
from scheduler.services.problem_loader import build_problem
from scheduler.services.solve_runs import open_run
from scheduler.services.solver_terms import IdMap
from scheduler.services.solving import ProgressWriter

from .conftest import MONDAY

RAW_BOUND = -19170


def text_of(html: str) -> str:
    """A page as a supervisor reads it: tags dropped, entities decoded, spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def no_raw_bound(text: str) -> bool:
    """No raw bound anywhere: the number itself, or 'bound' followed by a number."""
    return str(RAW_BOUND) not in text and not re.search(r"bound\W{0,4}-?\d", text, re.I)


@pytest.fixture
def group(make_site, make_shift, make_competency, make_station, make_staff):
    """A hospital and a retail pharmacy planned together, one station and one person each."""
    hospital = make_site("Riverside Hospital")
    shop = make_site("Main Street Pharmacy", kind=SiteKind.RETAIL)
    db.session.add(SiteGroup(name="Riverside Health", sites=[hospital, shop]))
    fill = make_competency("FILL")
    w = {
        "hospital": hospital,
        "shop": shop,
        "day": make_shift(hospital, "D", name="Day"),
        "shop_day": make_shift(shop, "D", (9, 0), (17, 0), name="Day"),
        "iv": make_station(hospital, "IV room", [fill]),
        "counter": make_station(shop, "Counter", [fill]),
        "nora": make_staff(hospital, "Nora", {fill: "independent"}),
        "sam": make_staff(shop, "Sam", {fill: "independent"}),
    }
    db.session.commit()
    return w


# ----- the progress writer --------------------------------------------------------------------


def test_the_writer_stores_the_first_rota_at_once_as_rows_of_the_runs_site(tiny_site):
    problem, ids = build_problem([tiny_site], MONDAY)
    rota = sv.solve(problem, time_limit=1.0, workers=2).rota
    run = open_run(tiny_site, MONDAY, 5.0, worker="test")
    writer = ProgressWriter(run.id, None, problem, ids, tiny_site.id)
    writer(sv.Progress(None, None, 0.1, 0, 5.0))  # a heartbeat: the next write waits a second
    first = rota.assignments[0]
    gap = (0, first.shift, first.activity, 1)
    writer(sv.Progress(100.0, None, 0.2, 1, 5.0, (100,), rota=rota, short=(gap,)))
    db.session.refresh(run)
    rows = run.best_rota
    people = [r for r in rows if r["staff"] is not None]
    assert len(people) == len(rota.assignments)
    assert {r["staff"] for r in people} <= {s.id for s in tiny_site.staff}
    assert {r["station"] for r in people} <= {s.id for s in tiny_site.stations}
    assert {r["date"] for r in rows} <= {(MONDAY + timedelta(d)).isoformat() for d in range(7)}
    assert {
        "staff": ids.staff[first.person],
        "date": MONDAY.isoformat(),
        "shift": ids.shifts[first.shift],
        "station": ids.stations[first.activity],
        "duty": None,
        "mode": "works",
        "trainer": None,
    } in rows
    assert [r for r in rows if r["staff"] is None] == [
        {
            "staff": None,
            "date": MONDAY.isoformat(),
            "shift": ids.shifts[first.shift],
            "station": ids.stations[first.activity],
            "short": 1,
        }
    ]


def test_a_group_solve_stores_only_the_runs_own_site_in_its_best_rota(app, group):
    from scheduler.services.solving import run_solve

    run_solve(group["hospital"], MONDAY, time_limit=1.0)
    run = db.session.scalar(db.select(SolveRun).order_by(SolveRun.id.desc()))
    assert run.best_rota
    assert {r["station"] for r in run.best_rota} == {group["iv"].id}
    stored = {(a.staff_id, a.on_date.isoformat(), a.station_id) for a in run.rota.assignments}
    live = {(r["staff"], r["date"], r["station"]) for r in run.best_rota if r["staff"]}
    assert live == stored  # the last rota shown is the draft stored


# ----- the progress page -----------------------------------------------------------------------


def running_run(site, rows, levels, bounds) -> SolveRun:
    """A running solve whose best rota so far is ``rows``, with a raw bound that must not show."""
    run = open_run(site, MONDAY, 10.0, worker="test")
    run.best_rota, run.best_levels, run.best_level_bounds = rows, levels, bounds
    run.best_objective, run.best_bound, run.solutions = float(sum(levels)), RAW_BOUND, 1
    db.session.commit()
    return run


def test_the_run_json_shows_the_rota_so_far_by_station_and_its_quality_in_words(
    client, login, group
):
    login("supervisor")
    iv, day, nora = group["iv"], group["day"], group["nora"]
    rows = [
        {"staff": nora.id, "date": MONDAY.isoformat(), "shift": day.id, "station": iv.id,
         "duty": None, "mode": "works", "trainer": None},
        {"staff": None, "date": "2026-03-03", "shift": day.id, "station": iv.id, "short": 1},
    ]  # fmt: skip
    run = running_run(group["hospital"], rows, [100], [96.0])
    response = client.get(f"/rotas/runs/{run.id}.json")
    data = response.get_json()
    assert data["quality"] == "1 gap; within 4 % of the best possible"
    grid = text_of(data["rota_html"])
    assert grid.startswith("Best rota so far: 1 gap; within 4 % of the best possible.")
    assert "IV room Nora" in grid
    assert "1 short" in grid
    assert "Counter" not in grid  # the other site of the group is not this run's rota
    assert no_raw_bound(response.get_data(as_text=True))
    page = client.get(f"/rotas/runs/{run.id}").get_data(as_text=True)
    assert "Best rota so far: 1 gap; within 4 % of the best possible." in text_of(page)
    assert no_raw_bound(text_of(page))


def test_a_proven_rota_says_best_possible_proven(client, login, group):
    login("supervisor")
    run = running_run(group["hospital"], [], [0, 0, 5], [0.0, 0.0, 5.0])
    data = client.get(f"/rotas/runs/{run.id}.json").get_json()
    assert data["quality"] == "no gaps; best possible proven"


def test_before_the_first_rota_there_is_nothing_to_show(client, login, group):
    login("supervisor")
    run = open_run(group["hospital"], MONDAY, 10.0, worker="test")
    data = client.get(f"/rotas/runs/{run.id}.json").get_json()
    assert data["rota_html"] == ""
    assert "No rota found yet." in text_of(
        client.get(f"/rotas/runs/{run.id}").get_data(as_text=True)
    )


# ----- the week page: which sites get new drafts --------------------------------------------


def test_the_week_page_says_which_other_sites_a_group_solve_redrafts(client, login, group):
    login("supervisor")
    page = client.get(f"/rotas/{group['hospital'].id}/{MONDAY.isoformat()}")
    assert (
        "Solving Riverside Hospital also makes a new draft of Main Street Pharmacy "
        "(planned together)." in text_of(page.get_data(as_text=True))
    )


def test_a_site_alone_has_no_planned_together_notice(client, login, tiny_site):
    login("supervisor")
    page = client.get(f"/rotas/{tiny_site.id}/{MONDAY.isoformat()}")
    assert "planned together" not in page.get_data(as_text=True)


# ----- the home page: each site's own score ------------------------------------------------


def gap_cost(shift, station) -> dict:
    """A stored cover gap of one person at a station on Monday."""
    return {
        "family": "cover",
        "key": f"cover:0:{IdMap.key('shift', shift.id)}:{IdMap.key('station', station.id)}:under",
        "weight": 100,
        "amount": 1,
        "total": 100,
        "sentence": f"{station.name} is 1 short",
        "subject": {
            "person": None,
            "day": 0,
            "shift": IdMap.key("shift", shift.id),
            "activity": IdMap.key("station", station.id),
        },
        "rule": "cover",
        "level": 1,
    }


def test_the_home_page_shows_each_sites_own_score_not_the_groups(client, login, group, make_rota):
    login("supervisor")
    costs = [gap_cost(group["day"], group["iv"]), gap_cost(group["shop_day"], group["counter"])]
    for site in (group["hospital"], group["shop"]):  # a group solve stores the group's costs
        rota = make_rota(site, status=RotaStatus.DRAFT)
        rota.costs, rota.objective = costs, 200
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    for name in ("Riverside Hospital", "Main Street Pharmacy"):
        section = text_of(html[html.index(f">{name}<") :])
        row = section[section.index("Mon 2 Mar 2026") :][:200]
        assert "1 cover gap" in row, row
        assert "2 cover gaps" not in row
