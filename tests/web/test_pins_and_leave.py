"""No pin is dropped silently: leave over pinned or published shifts is named before it is
saved, a solve that cannot keep a pin says so and offers to drop it, a sick call removes the
absent person's pins itself and says which, and a solve that finds no rota stores nothing."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from html.parser import HTMLParser

import pytest

from scheduler.extensions import db
from scheduler.models import (
    AuditEvent,
    Leave,
    LeaveKind,
    Rota,
    RotaStatus,
    ShiftType,
    SolveRun,
    SolveStatus,
    Staff,
    Station,
)

from .conftest import MONDAY

WEEK = MONDAY.isoformat()
TUESDAY = MONDAY + timedelta(days=1)


@pytest.fixture
def planning(app):
    """Solve jobs run before the request returns, and today is the week's Monday."""
    app.config["SOLVE_JOBS_SYNC"] = True
    app.config["TODAY"] = MONDAY
    return app


def named(model, name):
    return db.session.scalar(db.select(model).where(model.name == name))


def day_shift() -> ShiftType:
    return db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))


def count(model, *where) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


class _Inputs(HTMLParser):
    """The hidden inputs of a page's confirm form, as a browser would send them back."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


def hidden_fields(html: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(html)
    return parser.fields


@pytest.fixture
def ann_on_tuesday(tiny_site, make_rota):
    """Make a version of the tiny week in which Ann works Tuesday's day shift at Central fill."""

    def build(status: RotaStatus, pinned: bool, version: int = 1) -> Rota:
        ann, fill = named(Staff, "Ann"), named(Station, "Central fill")
        rota = make_rota(
            tiny_site,
            status=status,
            version=version,
            rows=[(ann, TUESDAY, day_shift(), fill)],
            pinned=pinned,
        )
        db.session.commit()
        return rota

    return build


def complete(client, site):
    """Press "Complete the rest around the pins" on the week page, with a short time limit."""
    return client.post(f"/rotas/{site.id}/{WEEK}/solve", data={"time_limit": 2, "complete": "y"})


def leave_form(ann: Staff, **extra) -> dict:
    return {
        "staff_id": ann.id,
        "start_date": TUESDAY.isoformat(),
        "end_date": TUESDAY.isoformat(),
        "kind": "sick",
        "approved": "y",
        "note": "called in at 06:10",
        **extra,
    }


# ----- leave over a shift is named before it is saved -----------------------------------------


@pytest.mark.parametrize(
    ("status", "pinned", "shown"),
    [
        (RotaStatus.DRAFT, True, "Tue 3 Mar day at Central fill (pinned)"),
        (RotaStatus.PUBLISHED, False, "Tue 3 Mar day at Central fill (published)"),
        (RotaStatus.PUBLISHED, True, "Tue 3 Mar day at Central fill (published, pinned)"),
    ],
    ids=["pinned", "published", "both"],
)
def test_leave_over_a_pinned_or_published_shift_is_named_and_saved_only_once_confirmed(
    client, login, planning, tiny_site, ann_on_tuesday, status, pinned, shown
):
    ann_on_tuesday(status, pinned=pinned)
    ann = named(Staff, "Ann")
    login("supervisor")
    url = f"/staff/leave/new?site={tiny_site.id}"
    page = client.post(url, data=leave_form(ann))
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Saving this leave uncovers:" in html
    assert shown in html
    assert "Save anyway" in html
    assert "Cancel" in html
    assert count(Leave) == 0  # nothing saved yet
    carried = hidden_fields(html)
    assert carried["note"] == "called in at 06:10"
    assert carried["start_date"] == carried["end_date"] == TUESDAY.isoformat()

    # Going back to change it shows the form as typed, still unsaved.
    page = client.post(url, data={**carried, "change": "yes"})
    html = unescape(page.get_data(as_text=True))
    assert "called in at 06:10" in html
    assert 'value="2026-03-03"' in html
    assert count(Leave) == 0

    page = client.post(url, data={**carried, "confirm": "yes"})
    assert page.status_code == 302
    leave = db.session.scalar(db.select(Leave))
    assert (leave.start_date, leave.approved, leave.note) == (TUESDAY, True, "called in at 06:10")
    html = unescape(client.get(page.location).get_data(as_text=True))
    assert "Ann's leave leaves these shifts open:" in html
    assert shown in html
    assert "Re-plan from Tue 3 Mar 2026" in html


def test_leave_that_uncovers_nothing_is_saved_at_once(
    client, login, planning, tiny_site, ann_on_tuesday
):
    ann_on_tuesday(RotaStatus.PUBLISHED, pinned=False)
    ann = named(Staff, "Ann")
    login("supervisor")
    url = f"/staff/leave/new?site={tiny_site.id}"
    wednesday = (TUESDAY + timedelta(days=1)).isoformat()
    page = client.post(url, data=leave_form(ann, start_date=wednesday, end_date=wednesday))
    assert page.status_code == 302
    pending = leave_form(ann)
    del pending["approved"]  # a pending request is a wish: it uncovers nothing yet
    page = client.post(url, data={**pending, "start_date": "2026-03-05", "end_date": "2026-03-05"})
    assert page.status_code == 302
    assert count(Leave) == 2


def test_approving_a_request_over_a_published_shift_asks_first(
    client, login, planning, tiny_site, ann_on_tuesday
):
    ann_on_tuesday(RotaStatus.PUBLISHED, pinned=False)
    ann = named(Staff, "Ann")
    request = Leave(staff=ann, start_date=TUESDAY, end_date=TUESDAY, kind=LeaveKind.ANNUAL)
    db.session.add(request)
    db.session.commit()
    login("supervisor")
    page = client.post(f"/staff/leave/{request.id}/approve")
    html = unescape(page.get_data(as_text=True))
    assert "Approving this leave uncovers:" in html
    assert "Tue 3 Mar day at Central fill (published)" in html
    assert db.session.get(Leave, request.id).approved is False
    page = client.post(f"/staff/leave/{request.id}/approve", data={"confirm": "yes"})
    assert page.status_code == 302
    assert db.session.get(Leave, request.id).approved is True


def test_a_technician_asking_for_leave_sees_their_published_shifts_not_draft_pins(
    client, login, planning, tiny_site, ann_on_tuesday
):
    ann_on_tuesday(RotaStatus.PUBLISHED, pinned=False)
    ann = named(Staff, "Ann")
    login("technician", staff=ann)
    data = {"start_date": TUESDAY.isoformat(), "end_date": TUESDAY.isoformat(), "kind": "annual"}
    page = client.post("/me/leave/new", data={**data, "note": "wedding"})
    html = unescape(page.get_data(as_text=True))
    assert "This leave covers shifts you are on the published rota for:" in html
    assert "Tue 3 Mar day at Central fill (published)" in html
    assert count(Leave) == 0
    page = client.post("/me/leave/new", data={**hidden_fields(html), "confirm": "yes"})
    assert page.status_code == 302
    assert db.session.scalar(db.select(Leave)).note == "wedding"
    # A pin on a draft is no business of the technician's: Thursday asks nothing.
    ann_on_tuesday(RotaStatus.DRAFT, pinned=True, version=2)
    draft = db.session.scalar(db.select(Rota).where(Rota.version == 2))
    draft.assignments[0].on_date = TUESDAY + timedelta(days=2)
    db.session.commit()
    thursday = (TUESDAY + timedelta(days=2)).isoformat()
    page = client.post("/me/leave/new", data={**data, "start_date": thursday, "end_date": thursday})
    assert page.status_code == 302


# ----- a solve that cannot keep a pin names it, and a person drops it ----------------------------


def test_completing_around_a_pin_on_leave_refuses_names_both_and_the_pin_can_be_dropped(
    client, login, planning, tiny_site, ann_on_tuesday
):
    draft = ann_on_tuesday(RotaStatus.DRAFT, pinned=True)
    pin = draft.assignments[0]
    ann = named(Staff, "Ann")
    db.session.add(
        Leave(staff=ann, start_date=TUESDAY, end_date=TUESDAY, kind=LeaveKind.SICK, approved=True)
    )
    db.session.commit()
    login("supervisor")
    page = complete(client, tiny_site)
    run = db.session.scalar(db.select(SolveRun).order_by(SolveRun.id.desc()))
    assert run.status is SolveStatus.FAILED
    assert run.rota is None
    assert count(Rota) == 1  # no draft of the pins alone
    assert db.session.get(Rota, draft.id).assignments[0].pinned  # the pin was kept
    for url in (page.location, f"/rotas/{tiny_site.id}/{WEEK}"):
        html = unescape(client.get(url).get_data(as_text=True))
        assert "found no rota, so nothing was stored" in html
        assert "Ann is on leave on Tue 3 Mar" in html
        assert "Pin: Ann on Tue 3 Mar day at Central fill" in html
        assert "Drop this pin" in html
        assert f"/rotas/assignments/{pin.id}/drop-pin" in html

    page = client.post(
        f"/rotas/assignments/{pin.id}/drop-pin", data={"rota": draft.id, "lock": draft.lock_version}
    )
    assert page.status_code == 302
    assert "Dropped the pin on Ann, Tue 3 Mar day" in unescape(
        client.get(page.location).get_data(as_text=True)
    )
    assert db.session.get(Rota, draft.id).assignments[0].pinned is False
    event = db.session.scalar(db.select(AuditEvent).order_by(AuditEvent.id.desc()))
    assert (event.object_type, event.object_id, event.actor_name) == (
        "assignment",
        pin.id,
        "Supervisor",
    )
    assert "Ann's Day shift at Central fill on Tue 3 Mar 2026" in event.summary

    page = complete(client, tiny_site)
    run = db.session.scalar(db.select(SolveRun).order_by(SolveRun.id.desc()))
    assert run.status is SolveStatus.DONE
    assert all(not (a.staff_id == ann.id and a.on_date == TUESDAY) for a in run.rota.assignments)
    html = unescape(client.get(f"/rotas/{tiny_site.id}/{WEEK}").get_data(as_text=True))
    assert "found no rota" not in html


def test_only_a_supervisor_drops_a_pin(client, login, planning, tiny_site, ann_on_tuesday):
    draft = ann_on_tuesday(RotaStatus.DRAFT, pinned=True)
    login("pic")
    page = client.post(
        f"/rotas/assignments/{draft.assignments[0].id}/drop-pin",
        data={"rota": draft.id, "lock": draft.lock_version},
    )
    assert page.status_code == 403
    assert db.session.get(Rota, draft.id).assignments[0].pinned


def test_dropping_a_pin_of_a_published_version_copies_it_as_a_draft(
    client, login, planning, tiny_site, ann_on_tuesday
):
    published = ann_on_tuesday(RotaStatus.PUBLISHED, pinned=True)
    login("supervisor")
    page = client.post(
        f"/rotas/assignments/{published.assignments[0].id}/drop-pin",
        data={"rota": published.id, "lock": published.lock_version},
    )
    assert page.status_code == 302
    html = unescape(client.get(page.location).get_data(as_text=True))
    assert "in version 2, a new draft copied from version 1" in html
    copy = db.session.scalar(db.select(Rota).where(Rota.version == 2))
    assert copy.status is RotaStatus.DRAFT
    assert [a.pinned for a in copy.assignments] == [False]
    assert db.session.get(Rota, published.id).assignments[0].pinned  # published stays as it was


# ----- a sick call removes the absent person's pins itself --------------------------------------


@pytest.mark.parametrize("status", [RotaStatus.DRAFT, RotaStatus.PUBLISHED])
def test_a_sick_call_removes_and_lists_the_absent_persons_pin(
    client, login, planning, tiny_site, status
):
    login("supervisor")
    client.post(f"/rotas/{tiny_site.id}/{WEEK}/solve", data={"time_limit": 2, "generate": "y"})
    first = db.session.scalar(db.select(Rota))
    ann = named(Staff, "Ann")
    mine = sorted((a for a in first.assignments if a.staff_id == ann.id), key=lambda a: a.on_date)
    sick = mine[0]
    sick.pinned = True
    first.status = status
    db.session.commit()
    sick_day, words = sick.on_date, f"{sick.on_date:%a} {sick.on_date.day} {sick.on_date:%b}"
    place = f"{words} {sick.shift_type.name.lower()} at {sick.station.name}"
    form = {
        "rota": first.id,
        "lock": first.lock_version,
        "staff": ann.id,
        "start": sick_day.isoformat(),
        "end": sick_day.isoformat(),
        "time_limit": 2,
        "submit": "y",
    }
    page = client.post(f"/rotas/{tiny_site.id}/{WEEK}/absence", data=form)
    html = unescape(page.get_data(as_text=True))
    assert "Saving this absence uncovers:" in html
    assert place in html
    assert "Ann's pins on those days are removed" in html
    assert count(Leave) == 0

    page = client.post(
        f"/rotas/{tiny_site.id}/{WEEK}/absence", data={**hidden_fields(html), "confirm": "yes"}
    )
    assert page.status_code == 302
    html = unescape(client.get(page.location).get_data(as_text=True))
    assert f"Ann's pinned {place} was removed: Ann is absent." in html
    run = db.session.scalar(db.select(SolveRun).where(SolveRun.kind == "replan"))
    assert run.status is SolveStatus.DONE
    replanned = run.rota
    assert replanned.based_on_id == first.id
    assert all(not (a.staff_id == ann.id and a.on_date == sick_day) for a in replanned.assignments)
    if status is RotaStatus.DRAFT:  # unpinned where it was
        assert not next(a for a in first.assignments if a.id == sick.id).pinned
    else:  # a published version stays as it was; the re-plan started from a copy without it
        assert next(a for a in first.assignments if a.id == sick.id).pinned
        copy = db.session.scalar(db.select(Rota).where(Rota.version == 2))
        assert copy.based_on_id == first.id
        assert not any(a.pinned for a in copy.assignments if a.staff_id == ann.id)
        assert replanned.version == 3


# ----- a solve that finds no rota stores nothing ----------------------------------------------


def test_solve_week_with_no_rota_prints_the_reasons_and_stores_no_draft(
    tiny_site, runner, ann_on_tuesday
):
    ann_on_tuesday(RotaStatus.DRAFT, pinned=True)
    ann = named(Staff, "Ann")
    db.session.add(
        Leave(staff=ann, start_date=TUESDAY, end_date=TUESDAY, kind=LeaveKind.SICK, approved=True)
    )
    db.session.commit()
    result = runner.invoke(
        args=["solve-week", "--site", "Tiny Pharmacy", "--week", WEEK, "--time-limit", "2"]
    )
    assert result.exit_code == 1, result.output
    assert "No rota keeps every hard rule, so nothing was stored" in result.output
    assert "  - Ann is on leave on Tue 3 Mar" in result.output
    assert "  - Pin: Ann on Tue 3 Mar day at Central fill" in result.output
    assert "Stored draft" not in result.output
    assert count(Rota) == 1
    run = db.session.scalar(db.select(SolveRun))
    assert run.status is SolveStatus.FAILED
    assert "Ann is on leave on Tue 3 Mar" in run.message
