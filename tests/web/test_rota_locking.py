"""Two supervisors on one rota: the second of two overlapping edits is refused, nothing is lost.

Each supervisor has a browser of their own (a test client) and every request runs in an
app context of its own, so each gets its own database session, as in production. Pages
are read for the state they carry (the hidden rota id and lock number), and the edits
send back exactly what the page carried.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, update

from scheduler.extensions import db
from scheduler.models import (
    Leave,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    Staff,
    Station,
    utcnow,
)
from scheduler.models.rotas import RotaPolicy
from scheduler.services import rota_edits
from scheduler.services import rota_workflow as rota_service

from .conftest import MONDAY

WEEK = MONDAY.isoformat()
SATURDAY, SUNDAY = MONDAY + timedelta(days=5), MONDAY + timedelta(days=6)


# ----- people, pages and the state they carry ------------------------------------------------


class Browser:
    """One signed-in person's browser: each request in a fresh app context (own session)."""

    def __init__(self, app, email: str) -> None:
        self.app = app
        self.client = app.test_client()
        page = self.post("/auth/login", {"email": email, "password": "password-1"})
        assert page.status_code == 302, page.get_data(as_text=True)

    def get(self, url: str):
        """Open a page."""
        with self.app.app_context():
            return self.client.get(url)

    def post(self, url: str, data: dict):
        """Send a form."""
        with self.app.app_context():
            return self.client.post(url, data=data)


def carried(html: str) -> dict[str, str]:
    """The rota state a page carries in its edit forms: rota id, lock (and newest version)."""
    state = {}
    for name in ("rota", "lock", "latest"):
        found = re.search(rf'name="{name}"[^>]*?value="(\d+)"', html)
        if found:
            state[name] = found.group(1)
    assert {"rota", "lock"} <= set(state), "the page carries no rota state"
    return state


def text(page) -> str:
    """A page's HTML with the apostrophe unescaped, for reading sentences."""
    return page.get_data(as_text=True).replace("&#39;", "'")


def named(model, name):
    return db.session.scalar(db.select(model).where(model.name == name))


def placed(rota: Rota) -> dict[tuple[str, object], RotaAssignment]:
    """The rota's assignments by (person, date), read afresh from the database."""
    db.session.expire_all()
    return {(a.staff.name, a.on_date): a for a in rota.assignments}


@pytest.fixture
def draft(tiny_site, make_rota):
    """Version 1 of the tiny site's week, a draft: Ann and Ben on fill, Pat and Quin on entry
    Monday to Friday, Cat on fill on Saturday. No approval needed to publish."""
    day, eve = (
        db.session.scalar(db.select(ShiftType).where(ShiftType.code == c)) for c in ("D", "E")
    )
    fill, entry = named(Station, "Central fill"), named(Station, "Order entry")
    ann, ben, cat, pat, quin = (named(Staff, n) for n in ("Ann", "Ben", "Cat", "Pat", "Quin"))
    table = []
    for d in range(5):
        on = MONDAY + timedelta(days=d)
        table += [
            (ann, on, day, fill),
            (ben, on, eve, fill),
            (pat, on, day, entry),
            (quin, on, eve, entry),
        ]
    table.append((cat, SATURDAY, day, fill))
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=table)
    db.session.add(RotaPolicy(site_id=tiny_site.id, requires_approval=False))
    db.session.commit()
    return rota


@pytest.fixture
def sam(app, make_user):
    """Sam Supervisor, signed in in a browser of their own."""
    make_user("supervisor", email="sam@example.org", name="Sam Supervisor")
    db.session.commit()
    return Browser(app, "sam@example.org")


@pytest.fixture
def robin(app, make_user):
    """Robin Rota, a second supervisor, signed in in another browser."""
    make_user("supervisor", email="robin@example.org", name="Robin Rota")
    db.session.commit()
    return Browser(app, "robin@example.org")


def week_url(rota: Rota) -> str:
    return f"/rotas/{rota.site_id}/{WEEK}"


def move_cat_to_sunday(browser: Browser, draft: Rota):
    """Open Cat's move form and move her from Saturday to Sunday day at Central fill."""
    cat = placed(draft)[("Cat", SATURDAY)]
    form = carried(browser.get(f"/rotas/assignments/{cat.id}/move").get_data(as_text=True))
    page = browser.post(
        f"/rotas/assignments/{cat.id}/move",
        {
            **form,
            "on_date": SUNDAY.isoformat(),
            "shift": cat.shift_type_id,
            "place": f"station-{cat.station_id}",
        },
    )
    assert page.status_code == 302, page.get_data(as_text=True)
    return page


def cat_moved_intact(draft: Rota) -> None:
    """The first supervisor's move stands: Cat works Sunday, pinned, and not Saturday."""
    now = placed(draft)
    assert ("Cat", SATURDAY) not in now
    assert now[("Cat", SUNDAY)].pinned


# ----- the second of two edits is refused, whatever its kind ---------------------------------


def _pin(browser, draft, state):
    ann = placed(draft)[("Ann", MONDAY)]
    return browser.post(f"/rotas/assignments/{ann.id}/pin", state)


def _pin_not_applied(draft):
    assert not placed(draft)[("Ann", MONDAY)].pinned


def _remove(browser, draft, state):
    ben = placed(draft)[("Ben", MONDAY + timedelta(days=1))]
    return browser.post(f"/rotas/assignments/{ben.id}/remove", state)


def _remove_not_applied(draft):
    assert ("Ben", MONDAY + timedelta(days=1)) in placed(draft)


def _assign(browser, draft, state):
    dov, fill = named(Staff, "Dov"), named(Station, "Central fill")
    day = placed(draft)[("Ann", MONDAY)].shift_type_id
    return browser.post(
        f"/rotas/{draft.site_id}/{WEEK}/assign",
        {
            **state,
            "staff": dov.id,
            "on_date": SATURDAY.isoformat(),
            "shift": day,
            "station": fill.id,
        },
    )


def _assign_not_applied(draft):
    assert ("Dov", SATURDAY) not in placed(draft)


def _publish(browser, draft, state):
    return browser.post(f"/rotas/versions/{draft.id}/publish", state)


def _publish_not_applied(draft):
    db.session.expire_all()
    assert draft.status is RotaStatus.DRAFT
    assert draft.published_at is None


def _submit(browser, draft, state):
    return browser.post(f"/rotas/versions/{draft.id}/submit", state)


def _submit_not_applied(draft):
    db.session.expire_all()
    assert draft.submitted_at is None


EDITS = {  # how to send it, how to see it was not applied, how the refusal names it
    "pin": (_pin, _pin_not_applied, "pin Ann, Mon 2 Mar day"),
    "remove": (_remove, _remove_not_applied, "remove Ben, Tue 3 Mar evening"),
    "assign": (_assign, _assign_not_applied, "put Dov on Sat 7 Mar day at Central fill"),
    "publish": (_publish, _publish_not_applied, "publish version 1"),
    "submit": (_submit, _submit_not_applied, "ask the pharmacist-in-charge to approve version 1"),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_an_edit_from_a_page_opened_before_another_supervisors_change_is_refused(
    draft, sam, robin, kind
):
    send, not_applied, tried = EDITS[kind]
    # Both open the week; Robin also opens the suggestions for the open Saturday slot.
    robin_week = robin.get(week_url(draft)).get_data(as_text=True)
    fill = named(Station, "Central fill")
    day = placed(draft)[("Ann", MONDAY)].shift_type_id
    robin_list = robin.get(
        f"/rotas/{draft.site_id}/{WEEK}/replacements?on_date="
        f"{SATURDAY.isoformat()}&shift={day}&station={fill.id}"
    )
    assert sam.get(week_url(draft)).status_code == 200
    # Sam moves Cat and saves first.
    move_cat_to_sunday(sam, draft)
    # Robin's edit, made on the pages opened before, is refused.
    state = carried(robin_list.get_data(as_text=True) if kind == "assign" else robin_week)
    page = send(robin, draft, state)
    html = text(page)
    assert page.status_code == 409
    assert re.search(r"Sam Supervisor changed version 1 of this week at \d\d:\d\d", html)
    assert f"after you opened this page; your change ({tried}) was not saved." in html
    assert 'role="alert"' in html
    # Sam's change is intact; Robin's is not applied.
    cat_moved_intact(draft)
    not_applied(draft)
    # The refusal page carries the rota as it is now: the same edit sent again is saved.
    again = send(robin, draft, carried(html))
    assert again.status_code in (302, 200), text(again)
    assert "was not saved" not in text(again)


def test_the_refusal_shows_the_current_rota_and_marks_the_refused_entry(draft, sam, robin):
    state = carried(robin.get(week_url(draft)).get_data(as_text=True))
    move_cat_to_sunday(sam, draft)
    ann = placed(draft)[("Ann", MONDAY)]
    html = text(robin.post(f"/rotas/assignments/{ann.id}/pin", state))
    assert "The rota below is the current one: check it and make your change again." in html
    assert "Cat, Sun 8 Mar day" in html  # Sam's move, on the page Robin now sees
    assert "Cat, Sat 7 Mar day" not in html
    assert "Your change here was not saved" in html  # beside Ann's Monday, where Robin was


def test_a_move_from_a_stale_form_comes_back_with_the_choices_kept(draft, sam, robin):
    ann = placed(draft)[("Ann", MONDAY + timedelta(days=2))]
    form = carried(robin.get(f"/rotas/assignments/{ann.id}/move").get_data(as_text=True))
    move_cat_to_sunday(sam, draft)
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    chosen = {
        "on_date": SATURDAY.isoformat(),
        "shift": eve.id,
        "place": f"station-{ann.station_id}",
    }
    page = robin.post(f"/rotas/assignments/{ann.id}/move", {**form, **chosen})
    html = text(page)
    assert page.status_code == 409
    assert "Sam Supervisor changed version 1 of this week" in html
    assert "your change (move Ann, Wed 4 Mar day) was not saved" in html
    assert f'<option selected value="{SATURDAY.isoformat()}">' in html  # Robin's choices
    assert f'<option selected value="{eve.id}">' in html
    cat_moved_intact(draft)
    assert placed(draft)[("Ann", MONDAY + timedelta(days=2))].on_date == ann.on_date
    # The form now carries the current state: sending it again moves Ann.
    again = robin.post(f"/rotas/assignments/{ann.id}/move", {**carried(html), **chosen})
    assert again.status_code == 302
    assert ("Ann", SATURDAY) in placed(draft)


def test_an_edit_of_a_shift_someone_removed_says_so(draft, sam, robin):
    state = carried(robin.get(week_url(draft)).get_data(as_text=True))
    cat = placed(draft)[("Cat", SATURDAY)]
    sam_state = carried(sam.get(week_url(draft)).get_data(as_text=True))
    assert sam.post(f"/rotas/assignments/{cat.id}/remove", sam_state).status_code == 302
    page = robin.post(f"/rotas/assignments/{cat.id}/pin", state)
    html = text(page)
    assert page.status_code == 409
    assert "Sam Supervisor changed version 1" in html
    assert "that shift is no longer on the rota" in html
    assert ("Cat", SATURDAY) not in placed(draft)


def test_the_pharmacist_in_charge_cannot_approve_a_rota_changed_after_it_was_read(
    draft, sam, app, make_user
):
    db.session.scalar(db.select(RotaPolicy)).requires_approval = True
    make_user("pic", email="priya@example.org", name="Priya Pic")
    db.session.commit()
    priya = Browser(app, "priya@example.org")
    state = carried(priya.get(week_url(draft)).get_data(as_text=True))
    move_cat_to_sunday(sam, draft)
    page = priya.post(f"/rotas/versions/{draft.id}/approve", state)
    assert page.status_code == 409
    assert "your change (approve version 1) was not saved" in text(page)
    db.session.expire_all()
    assert draft.approved_at is None


def test_two_supervisors_starting_a_new_draft_make_one(draft, sam, robin):
    draft.status = RotaStatus.PUBLISHED
    db.session.commit()
    sam_state = carried(sam.get(week_url(draft)).get_data(as_text=True))
    robin_state = carried(robin.get(week_url(draft)).get_data(as_text=True))
    assert sam_state["latest"] == robin_state["latest"] == "1"
    assert sam.post(f"/rotas/versions/{draft.id}/draft", sam_state).status_code == 302
    page = robin.post(f"/rotas/versions/{draft.id}/draft", robin_state)
    html = text(page)
    assert page.status_code == 409
    assert re.search(r"Sam Supervisor made version 2 of this week at \d\d:\d\d", html)
    assert "Version 2:" in html  # the page shows the draft Sam started
    versions = db.session.scalars(db.select(Rota.version).order_by(Rota.version)).all()
    assert versions == [1, 2]


def test_a_sick_call_from_a_stale_form_keeps_what_was_typed_and_records_nothing(
    app, draft, sam, robin
):
    app.config["TODAY"] = MONDAY  # the sick call is for today
    form = carried(robin.get(f"/rotas/{draft.site_id}/{WEEK}/absence").get_data(as_text=True))
    move_cat_to_sunday(sam, draft)
    ann = named(Staff, "Ann")
    page = robin.post(
        f"/rotas/{draft.site_id}/{WEEK}/absence",
        {
            **form,
            "staff": ann.id,
            "start": WEEK,
            "end": WEEK,
            "note": "called in at 06:10",
            "time_limit": 3,
            "submit": "y",
        },
    )
    html = text(page)
    assert page.status_code == 409
    assert "your change (mark Ann absent and re-plan) was not saved" in html
    assert "Nothing was recorded" in html
    assert 'value="called in at 06:10"' in html
    assert db.session.scalar(db.select(db.func.count(Leave.id))) == 0


def test_the_same_person_in_two_tabs_is_told_it_was_their_other_tab(draft, sam):
    old_tab = carried(sam.get(week_url(draft)).get_data(as_text=True))
    move_cat_to_sunday(sam, draft)
    ann = placed(draft)[("Ann", MONDAY)]
    html = text(sam.post(f"/rotas/assignments/{ann.id}/pin", old_tab))
    assert "was changed at" in html
    assert "from your account in another tab or window" in html


def test_a_form_without_the_rota_state_is_refused_and_saves_nothing(draft, sam):
    ann = placed(draft)[("Ann", MONDAY)]
    page = sam.post(f"/rotas/assignments/{ann.id}/pin", {})
    assert page.status_code == 409
    assert "did not say which state of the rota it showed" in text(page)
    assert not placed(draft)[("Ann", MONDAY)].pinned


# ----- a real race: both pass the check, the slower commit loses ----------------------------


@pytest.fixture
def race(monkeypatch, draft, make_user):
    """Between an edit's lock check and its commit, 'Sam' commits a change of the same rota
    from another connection; returns the list of bumps made."""
    other = make_user("supervisor", email="sam2@example.org", name="Sam Supervisor")
    make_user("pic", email="priya@example.org", name="Priya")  # someone could approve
    db.session.commit()
    bumps = []
    check_lock = rota_service.check_lock

    def check_then_bump(rota, lock, viewer=None):
        check_lock(rota, lock, viewer)
        if not bumps:
            with db.engine.begin() as conn:
                conn.execute(
                    update(Rota)
                    .where(Rota.id == rota.id)
                    .values(
                        lock_version=Rota.lock_version + 1,
                        changed_at=utcnow(),
                        changed_by_id=other.id,
                    )
                )
            bumps.append(rota.id)

    monkeypatch.setattr(rota_service, "check_lock", check_then_bump)
    monkeypatch.setattr(rota_edits, "check_lock", check_then_bump)
    return bumps


@pytest.mark.parametrize("kind", ["pin", "remove", "assign", "publish", "submit"])
def test_an_edit_that_loses_the_race_to_commit_is_rolled_back_and_refused(draft, robin, race, kind):
    send, not_applied, _tried = EDITS[kind]
    html = robin.get(week_url(draft)).get_data(as_text=True)
    if kind == "assign":
        fill = named(Station, "Central fill")
        day = placed(draft)[("Ann", MONDAY)].shift_type_id
        html = robin.get(
            f"/rotas/{draft.site_id}/{WEEK}/replacements?on_date="
            f"{SATURDAY.isoformat()}&shift={day}&station={fill.id}"
        ).get_data(as_text=True)
    page = send(robin, draft, carried(html))
    assert race == [draft.id]  # the check passed, then the row moved on
    assert page.status_code == 409, text(page)
    assert "Sam Supervisor changed version 1 of this week" in text(page)
    not_applied(draft)


def test_a_move_that_loses_the_race_keeps_the_choices(draft, robin, race):
    ann = placed(draft)[("Ann", MONDAY + timedelta(days=2))]
    form = carried(robin.get(f"/rotas/assignments/{ann.id}/move").get_data(as_text=True))
    page = robin.post(
        f"/rotas/assignments/{ann.id}/move",
        {
            **form,
            "on_date": SUNDAY.isoformat(),
            "shift": ann.shift_type_id,
            "place": f"station-{ann.station_id}",
        },
    )
    assert page.status_code == 409
    assert f'<option selected value="{SUNDAY.isoformat()}">' in text(page)
    assert placed(draft)[("Ann", MONDAY + timedelta(days=2))].on_date == ann.on_date


def test_two_new_drafts_at_the_same_moment_make_one(monkeypatch, draft, sam, make_user):
    """The copy that finds its version number taken by a copy committed a moment before."""
    draft.status = RotaStatus.PUBLISHED
    db.session.commit()
    state = carried(sam.get(week_url(draft)).get_data(as_text=True))
    latest_rota = rota_service.latest_rota
    copied = []

    def latest_then_other_copy(site_id, week_start, status=None):
        found = latest_rota(site_id, week_start, status)
        if not copied:
            copied.append(found.version + 1)
            with db.engine.begin() as conn:
                conn.execute(
                    insert(Rota).values(
                        site_id=site_id,
                        week_start=week_start,
                        version=found.version + 1,
                        status="draft",
                        created_at=utcnow(),
                        notes="",
                        lock_version=1,
                    )
                )
        return found

    monkeypatch.setattr(rota_service, "latest_rota", latest_then_other_copy)
    page = sam.post(f"/rotas/versions/{draft.id}/draft", state)
    assert page.status_code == 409
    assert "made version 2 of this week" in text(page)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Rota.id))) == 2


# ----- the lock itself ------------------------------------------------------------------------


def test_every_edit_moves_the_lock_on_even_one_of_assignments_only(draft, make_user):
    user = make_user("supervisor", email="lee@example.org", name="Lee")
    db.session.commit()
    start = draft.lock_version
    ann = next(a for a in draft.assignments if a.staff.name == "Ann")
    rota_edits.toggle_pin(ann, lock=start, by=user)
    assert draft.lock_version == start + 1
    assert (draft.changed_by_id, draft.changed_at is not None) == (user.id, True)
    with pytest.raises(rota_service.RotaChanged, match="Lee changed version 1"):
        rota_edits.toggle_pin(ann, lock=start)
    assert ann.pinned  # the stale unpin did nothing


def test_rule_findings_on_the_week_page_follow_changes_made_since_they_were_checked(
    tiny_site, make_rota
):
    """The week page reuses its hard-rule findings only while nothing they depend on changed."""
    from scheduler.models import Leave, LeaveKind, RotaStatus, ShiftType, Staff, Station
    from scheduler.services.rota_edits import current_violations

    ann = db.session.scalar(db.select(Staff).where(Staff.name == "Ann"))
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    fill = db.session.scalar(db.select(Station).where(Station.name == "Central fill"))
    rota = make_rota(tiny_site, status=RotaStatus.DRAFT, rows=[(ann, MONDAY, day, fill)])
    db.session.commit()
    before = current_violations(rota)
    assert current_violations(rota) == before  # nothing changed: the same findings
    db.session.add(
        Leave(staff=ann, start_date=MONDAY, end_date=MONDAY, kind=LeaveKind.ANNUAL, approved=True)
    )
    db.session.commit()
    after = current_violations(rota)
    added = [s for s in after if s not in before]
    assert added, after
    assert all("Ann" in s for s in added), after
