"""Priorities per site: the set-up page, its audit, and every solve and draft that uses them."""

from __future__ import annotations

import copy
import re

import pytest

from scheduler.extensions import db
from scheduler.models import Duty, DutyKind, Rota, RotaStatus, ShiftRequest, Site, Staff
from scheduler.models.audit import AuditEvent
from scheduler.services import priorities as svc
from scheduler.services.audit.reading import detail_lines
from scheduler.services.problem_loader import build_problem
from scheduler.services.site_data.exporting import export_site
from scheduler.services.site_data.file_format import SiteDataError
from scheduler.services.site_data.importing import import_site
from scheduler.services.solving import run_solve
from scheduler.solver.priorities import RANKED_DEFAULTS, Priorities, Rule, Strength

from .conftest import MONDAY

WEEK = MONDAY.isoformat()


def _page(response) -> str:
    """A response's HTML."""
    return response.get_data(as_text=True)


def _defaults() -> dict[str, str]:
    """The form as the page shows it for a site on the defaults."""
    data = {"fairness_weeks": "8"}
    for rule, level in RANKED_DEFAULTS.items():
        data[f"level_{rule.value}"] = str(level)
        data[f"strength_{rule.value}"] = "medium"
    return data


CHANGED = {
    **_defaults(),
    "level_goals": "5",
    "level_wishes": "4",
    "strength_fair_nights": "strong",
    "fairness_weeks": "4",
}


def _selected(page: str, name: str) -> str:
    """The value a select of the page has chosen."""
    select = re.search(rf'<select[^>]* id="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select is not None, name
    return re.search(r'<option selected value="([^"]*)"', select.group(1)).group(1)


def _url(site: Site, tail: str = "") -> str:
    return f"/setup/sites/{site.id}/priorities{tail}"


def _site(site_id: int) -> Site:
    db.session.expire_all()
    return db.session.get(Site, site_id)


def _events(site: Site) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(
                AuditEvent.object_type == "site",
                AuditEvent.action == "changed",
                AuditEvent.site_id == site.id,
            )
            .order_by(AuditEvent.id)
        )
    )


# ----- the page --------------------------------------------------------------------------


def test_the_page_explains_the_levels_and_documents_the_defaults(client, login, tiny_site):
    login("supervisor")
    site_page = _page(client.get(f"/setup/sites/{tiny_site.id}"))
    assert f'href="{_url(tiny_site)}"' in site_page
    page = _page(client.get(_url(tiny_site)))
    assert "Level 1: Cover first, never traded" in page
    assert "Level 3: Contracts next" in page
    assert "Minimum cover of every station; Required duties." in page
    # every ranked rule has a labelled level and strength, the defaults chosen
    for rule, level in RANKED_DEFAULTS.items():
        assert f"<legend>{rule.label}</legend>" in page
        assert f'<label for="level_{rule.value}">Level' in page
        assert f'<label for="strength_{rule.value}">Strength' in page
        assert _selected(page, f"level_{rule.value}") == str(level)
        assert _selected(page, f"strength_{rule.value}") == "medium"
    assert "Level 4: settled first, after cover, changes and contracts" in page
    assert "Level 5: settled after level 4" in page
    assert "shared over the last N published weeks" in page
    assert 'data-confirm="Put every rule of levels 4 and 5 back' in page
    assert "Back to defaults" in page
    assert "<td>Training goals</td>" not in page  # the defaults table names rules as row heads
    assert '<th scope="row">Training goals</th><td>4</td><td>medium</td>' in page


def test_saving_stores_only_what_differs_and_keeps_it_after_reload(client, login, tiny_site):
    login("supervisor")
    response = client.post(_url(tiny_site), data=CHANGED)
    assert response.status_code == 302
    site = _site(tiny_site.id)
    assert site.priorities == {
        "levels": {"goals": 5, "wishes": 4},
        "strengths": {"fair_nights": "strong"},
    }
    assert site.fairness_weeks == 4
    page = _page(client.get(response.headers["Location"]))
    assert (
        "Saved Tiny Pharmacy&#39;s priorities (Training goals moved from level 4 to level 5" in page
    )
    assert "Spread nights evenly: medium → strong" in page
    assert _selected(page, "level_goals") == "5"
    assert _selected(page, "level_wishes") == "4"
    assert _selected(page, "strength_fair_nights") == "strong"
    assert _selected(page, "strength_wishes") == "medium"
    assert 'name="fairness_weeks" required type="number" value="4"' in page
    assert "Level 4: Training goals;" not in page  # weights in force: goals moved down
    assert "Spread nights evenly (strong)" in page
    assert "Fairness window: the last 4 published weeks." in page


def test_saving_the_defaults_stores_none(client, login, tiny_site):
    tiny_site.priorities = {"levels": {"goals": 5}}
    db.session.commit()
    login("supervisor")
    assert client.post(_url(tiny_site), data=_defaults()).status_code == 302
    assert _site(tiny_site.id).priorities is None


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"fairness_weeks": "0"}, "fairness_weeks", "Enter 1 to 52 weeks."),
        ({"fairness_weeks": ""}, "fairness_weeks", "Enter how many weeks, e.g. 8."),
        ({"level_goals": "6"}, "level_goals", "Not a valid choice"),
        ({"strength_wishes": "loud"}, "strength_wishes", "Not a valid choice"),
    ],
)
def test_bad_input_is_named_beside_its_field_and_nothing_typed_is_lost(
    client, login, tiny_site, change, field, message
):
    tiny_site.priorities = {"strengths": {"variety": "off"}}
    db.session.commit()
    login("supervisor")
    response = client.post(_url(tiny_site), data={**CHANGED, **change})
    assert response.status_code == 422
    page = _page(response)
    assert f'<p class="error" id="{field}-error"><span>{message}' in page
    assert "Nothing has been saved yet." in page
    # what was typed elsewhere is shown again, and the site keeps what it had
    assert _selected(page, "strength_fair_nights") == "strong"
    assert _selected(page, "level_wishes") == "4"
    site = _site(tiny_site.id)
    assert site.priorities == {"strengths": {"variety": "off"}}
    assert site.fairness_weeks == 8


def test_back_to_defaults_resets_everything_and_says_what_changed(client, login, tiny_site):
    login("supervisor")
    client.post(_url(tiny_site), data=CHANGED)
    response = client.post(_url(tiny_site, "/reset"))
    assert response.status_code == 302
    site = _site(tiny_site.id)
    assert (site.priorities, site.fairness_weeks) == (None, 8)
    page = _page(client.get(response.headers["Location"]))
    assert (
        "priorities are back on the defaults (Training goals moved from level 5 to level 4" in page
    )


def test_every_change_is_audited_in_words(client, login, tiny_site):
    login("supervisor")
    client.post(_url(tiny_site), data=CHANGED)
    client.post(_url(tiny_site, "/reset"))
    saved, reset = _events(tiny_site)
    assert saved.action == "changed"
    assert saved.actor_name == "Supervisor"
    assert saved.summary == (
        "Changed the priorities of the site Tiny Pharmacy: Training goals moved from level 4 to "
        "level 5; Spread nights evenly: medium → strong; Wishes: shift requests and days off "
        "moved from level 5 to level 4; Fairness window: 8 → 4 weeks."
    )
    assert detail_lines(saved.details) == [
        "fairness weeks: 8 → 4",
        "Training goals moved from level 4 to level 5",
        "Spread nights evenly: medium → strong",
        "Wishes: shift requests and days off moved from level 5 to level 4",
    ]
    assert saved.details["priorities"]["from"] is None
    assert reset.summary.startswith(
        "Changed the priorities of the site Tiny Pharmacy: Training goals moved from level 5 to "
        "level 4;"
    )
    assert reset.summary.endswith("Fairness window: 4 → 8 weeks.")


@pytest.mark.parametrize("role", ["pic", "technician"])
def test_only_supervisors_may_set_priorities(client, login, tiny_site, role):
    staff = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    login(role, staff=staff if role == "technician" else None)
    assert client.get(_url(tiny_site)).status_code == 403
    assert client.post(_url(tiny_site), data=CHANGED).status_code == 403
    assert client.post(_url(tiny_site, "/reset")).status_code == 403
    assert _site(tiny_site.id).priorities is None


def test_signed_out_visitors_are_sent_to_sign_in(client, tiny_site):
    response = client.get(_url(tiny_site))
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_an_unknown_site_is_404(client, login):
    login("supervisor")
    assert client.get("/setup/sites/999/priorities").status_code == 404
    assert client.post("/setup/sites/999/priorities/reset").status_code == 404


# ----- words -----------------------------------------------------------------------------


def test_differences_are_said_rule_by_rule():
    before = Priorities()
    after = Priorities(
        levels=((Rule.GOALS, 5),),
        strengths=((Rule.FAIR_NIGHTS, Strength.STRONG), (Rule.WISHES, Strength.OFF)),
    )
    assert svc.changes_between(before, after) == [
        "Training goals moved from level 4 to level 5",
        "Spread nights evenly: medium → strong",
        "Wishes: shift requests and days off: medium → off",
    ]
    assert svc.changes_between(after, after) == []
    assert svc.settings_of(after) == {
        "levels": {"goals": 5},
        "strengths": {"fair_nights": "strong", "wishes": "off"},
    }
    assert svc.settings_of(Priorities()) is None


def test_a_stored_form_from_a_file_is_checked():
    assert svc.settings_problems(None) == []
    assert svc.settings_problems({"levels": {"goals": 5}, "strengths": {"wishes": "off"}}) == []
    assert svc.settings_problems({"levels": {"cover": 3, "goals": 7}, "colour": 1}) == [
        "unknown part 'colour'",
        "levels: 'cover' is not a rule a site ranks",
        "levels.goals: 7 is not one of 4, 5",
    ]
    assert svc.settings_problems([1]) == ["should be an object or null, not [1]"]


# ----- solves use them ---------------------------------------------------------------------


def _wishes(site: Site) -> None:
    """Every technician asks for Monday off: cover needs two of them, so wishes must break."""
    for person in db.session.scalars(db.select(Staff).where(Staff.home_site_id == site.id)):
        if person.name in ("Ann", "Ben", "Cat", "Dov"):
            db.session.add(ShiftRequest(staff=person, on_date=MONDAY, want=False, weight=10))
    db.session.commit()


def _rules_costed(rota: Rota) -> set[str]:
    return {cost["rule"] for cost in rota.costs}


def test_a_solve_uses_the_sites_priorities_and_stores_them(client, login, tiny_site):
    _wishes(tiny_site)
    first = run_solve(tiny_site, MONDAY, time_limit=5)
    assert "wishes" in _rules_costed(first)
    assert first.priorities is None
    login("supervisor")
    client.post(_url(tiny_site), data={**_defaults(), "strength_wishes": "off"})
    second = run_solve(_site(tiny_site.id), MONDAY, time_limit=5)
    assert "wishes" not in _rules_costed(second)
    assert second.priorities == {"strengths": {"wishes": "off"}}
    page = _page(client.get(f"/rotas/{tiny_site.id}/{WEEK}?version={second.version}"))
    assert "Weights in force" in page
    assert "Wishes: shift requests and days off (off)" in page
    assert "Made under other priorities" not in page


def test_a_draft_made_under_other_priorities_says_so(client, login, tiny_site, make_rota):
    make_rota(tiny_site, week_start=MONDAY, status=RotaStatus.PUBLISHED, version=1)
    make_rota(tiny_site, week_start=MONDAY, status=RotaStatus.DRAFT, version=2)
    db.session.commit()
    login("supervisor")
    week = f"/rotas/{tiny_site.id}/{WEEK}"
    assert "Made under other priorities" not in _page(client.get(week))
    client.post(_url(tiny_site), data=CHANGED)
    page = _page(client.get(week))
    assert (
        "Made under other priorities: Training goals moved from level 4 to level 5; "
        "Spread nights evenly: medium → strong; Wishes: shift requests and days off moved "
        "from level 5 to level 4."
    ) in page
    assert "to use the current ones." in page
    assert "Level 4: Training goals;" in page  # the draft's own weights, the defaults
    # a published version is history: it is not flagged
    assert "Made under other priorities" not in _page(client.get(f"{week}?version=1"))


def test_a_group_solve_uses_the_priorities_of_the_site_it_was_asked_for(make_site):
    first = make_site("North")
    second = make_site("South", priorities={"levels": {"wishes": 4}})
    db.session.commit()
    problem, _ids = build_problem([first, second], MONDAY, priorities_of=second)
    assert problem.priorities.level(Rule.WISHES) == 4
    default, _ids = build_problem([first, second], MONDAY)
    assert default.priorities == Priorities()


# ----- required duties and site files --------------------------------------------------------


def test_a_duty_can_be_required_and_the_solver_is_told(client, login, tiny_site):
    login("supervisor")
    data = {
        "name": "Controlled-drug count",
        "kind": "inventory_count",
        "minutes": "30",
        "competency_id": "",
        "min_level": "independent",
        "per_week": "1",
        "per_day": "",
        "weight": "100",
        "required": "y",
    }
    assert client.post(f"/setup/sites/{tiny_site.id}/duties/new", data=data).status_code == 302
    duty = db.session.scalar(db.select(Duty))
    assert duty.required is True
    assert "Required: ranks with station cover" in _page(
        client.get(f"/setup/duties/{duty.id}/edit")
    )
    problem, _ids = build_problem(_site(tiny_site.id), MONDAY)
    assert [d.required for d in problem.duties] == [True]
    client.post(f"/setup/duties/{duty.id}/edit", data={**data, "required": ""})
    db.session.expire_all()
    assert db.session.get(Duty, duty.id).required is False


def test_a_site_file_carries_priorities_window_and_required_duties(tiny_site):
    tiny_site.priorities = {"levels": {"goals": 5}, "strengths": {"wishes": "strong"}}
    tiny_site.fairness_weeks = 6
    db.session.add(
        Duty(
            site=tiny_site,
            name="CD count",
            kind=DutyKind.INVENTORY_COUNT,
            minutes=30,
            required=True,
        )
    )
    db.session.commit()
    data = export_site(tiny_site)
    assert data["site"]["priorities"] == tiny_site.priorities
    assert data["site"]["fairness_weeks"] == 6
    assert data["site"]["duties"][0]["required"] is True
    copied = copy.deepcopy(data)
    copied["site"]["name"] = "Tiny Copy"
    copied["site"]["accounts"] = []
    site = import_site(copied)
    db.session.commit()
    assert (site.priorities, site.fairness_weeks) == (tiny_site.priorities, 6)
    assert [d.required for d in site.duties] == [True]

    bad = copy.deepcopy(copied)
    bad["site"]["name"] = "Tiny Bad"
    bad["site"]["priorities"] = {"levels": {"cover": 4}}
    bad["site"]["fairness_weeks"] = 99
    with pytest.raises(SiteDataError) as refused:
        import_site(bad)
    text = str(refused.value)
    assert "priorities: levels: 'cover' is not a rule a site ranks" in text
    assert "fairness_weeks: 99 is not 1 to 52 weeks" in text
