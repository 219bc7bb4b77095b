"""Pages read a rota in a bounded number of SQL statements, however many people it has.

Two sites alike in everything but head count (5 and 25 people on the rota) are opened
page by page; each request runs in an app context of its own, so it starts from an
empty session, as a production request does, and every statement it sends is counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import event

from scheduler.clock import site_today
from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.models import (
    AssignmentMode,
    Duty,
    DutyKind,
    Leave,
    LeaveKind,
    Rota,
    RotaStatus,
    ShiftType,
    Site,
    Staff,
    StaffRole,
    Station,
    User,
)

SMALL, LARGE = 5, 25


@contextmanager
def counting() -> Iterator[list[str]]:
    """The SQL statements sent while the block runs."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


@dataclass
class Built:
    """One site of the comparison, with what its pages are opened for."""

    site: Site
    monday: date
    published: Rota  # this week's published version 1
    draft: Rota  # this week's draft version 2, copied from it with days moved on
    station: Station
    shift: ShiftType


def week_rows(
    people: list[Staff], shifts, places, trainer: Staff, week_start: date, offset: int = 0
) -> list[tuple]:
    """Rota rows: five days each from the person's own start day (moved on by ``offset``),
    pharmacists at the second place, the trainee beside the trainer."""
    rows = []
    for index, person in enumerate(people):
        shift = shifts[index % 2]
        place = places[1] if person.role is StaffRole.PHARMACIST else places[0]
        extra = (AssignmentMode.TRAINEE, trainer) if person.role is StaffRole.TRAINEE else ()
        for d in range(5):
            on = week_start + timedelta(days=(index + d + offset) % 7)
            rows.append((person, on, shift, place, *extra))
    return rows


@pytest.fixture
def two_sites(
    make_site,
    make_shift,
    make_competency,
    make_station,
    make_staff,
    make_cover,
    make_rota,
    make_user,
) -> dict[int, Built]:
    """Two alike sites with 5 and 25 people on the rota: last week and this week published,
    and this week's draft version 2, copied from it with everyone's days moved on one.

    Each has pharmacists, technicians and a trainee beside a trainer, a duty, leave,
    competencies that lapse near the week, and a technician's account for /me.
    """
    fill, verify = make_competency("CF", name="Central fill"), make_competency("RPHV")
    built = {}
    for size in (SMALL, LARGE):
        site = make_site(f"Site of {size}")
        monday = monday_of(site_today(site))
        shifts = (
            make_shift(site, "D", (7, 0), (15, 0), name="Day"),
            make_shift(site, "E", (15, 0), (23, 0), name="Evening"),
        )
        places = (
            make_station(site, "Central fill", [fill]),
            make_station(site, "Order entry", [verify]),
        )
        duty = Duty(site=site, name="Inventory", kind=DutyKind.INVENTORY_COUNT, minutes=480)
        db.session.add(duty)
        for shift in shifts:
            for wd in range(7):
                make_cover(places[0], shift, weekday=wd, minimum=2, ideal=3)
                make_cover(places[1], shift, weekday=wd, minimum=1, ideal=1)
        people = [
            make_staff(
                site,
                f"Pharmacist {i} of {size}",
                {verify: "independent"},
                role=StaffRole.PHARMACIST,
            )
            for i in range(2)
        ]
        trainer = make_staff(site, f"Trainer of {size}", {fill: "trainer"})
        people += [
            trainer,
            make_staff(site, f"Trainee of {size}", {fill: "supervised"}, role=StaffRole.TRAINEE),
        ]
        people += [
            make_staff(site, f"Technician {i} of {size}", {fill: "independent"})
            for i in range(size - len(people))
        ]
        for person in people:  # every skill lapses in the week after this one
            for skill in person.skills:
                skill.valid_until = monday + timedelta(days=9)
        last_monday = monday - timedelta(days=7)
        make_rota(
            site,
            week_start=last_monday,
            rows=week_rows(people, shifts, places, trainer, last_monday),
        )
        published = make_rota(
            site, week_start=monday, rows=week_rows(people, shifts, places, trainer, monday)
        )
        published.assignments[0].station, published.assignments[0].duty = None, duty
        draft = make_rota(
            site,
            week_start=monday,
            status=RotaStatus.DRAFT,
            version=2,
            rows=week_rows(people, shifts, places, trainer, monday, offset=1),
        )
        draft.based_on = published
        for person in people[-3:]:
            db.session.add(
                Leave(
                    staff=person,
                    start_date=monday + timedelta(days=6),
                    end_date=monday + timedelta(days=6),
                    kind=LeaveKind.ANNUAL,
                    approved=True,
                    shift_type=shifts[1],
                )
            )
        make_user("technician", email=f"tech{size}@example.org", staff=people[-1])
        built[size] = Built(site, monday, published, draft, places[0], shifts[0])
    make_user("supervisor", email="sup@example.org")
    make_user("pic", email="pic@example.org")  # the menu counts rotas waiting for approval
    db.session.commit()
    return built


def statements(app, email: str, url: str) -> list[str]:
    """The statements one signed-in GET of a page sends, from an empty session (after one
    warm-up request, so one-off work of a fresh process is not counted)."""
    client = app.test_client()
    with app.app_context():
        assert (
            client.post("/auth/login", data={"email": email, "password": "password-1"}).status_code
            == 302
        )
    with app.app_context():
        assert client.get(url).status_code == 200
    with app.app_context(), counting() as sent:
        page = client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    return sent


def _week_page(b: Built) -> str:
    return f"/rotas/{b.site.id}/{b.monday.isoformat()}"


def _published_week_page(b: Built) -> str:
    return f"{_week_page(b)}?version={b.published.version}"


def _print_page(b: Built) -> str:
    return f"/print/rota/{b.published.id}"


def _replacements_page(b: Built) -> str:
    return (
        f"{_week_page(b)}/replacements?on_date={b.monday.isoformat()}&shift={b.shift.id}"
        f"&station={b.station.id}"
    )


def _own_week(_b: Built) -> str:
    return "/me/"


PAGES = {  # (who opens it, its address from the built site)
    "the rota week page (a draft, with what changed)": ("sup@example.org", _week_page),
    "the rota week page (published)": ("sup@example.org", _published_week_page),
    "the rota week page (a pharmacist-in-charge's)": ("pic@example.org", _week_page),
    "the print page": ("sup@example.org", _print_page),
    "the replacements for an open shift": ("sup@example.org", _replacements_page),
    "a technician's own week (/me)": ("tech{size}@example.org", _own_week),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_sends_as_many_statements_for_25_people_as_for_5(app, two_sites, page):
    email, url = PAGES[page]
    counts = {
        size: len(statements(app, email.format(size=size), url(built)))
        for size, built in two_sites.items()
    }
    assert counts[LARGE] == counts[SMALL], counts


def test_the_pages_compared_show_everyone(app, two_sites):
    for size, built in two_sites.items():
        for rota in (built.published, built.draft):
            assert len({a.staff_id for a in rota.assignments}) == size
            assert any(a.trainer_id for a in rota.assignments)
        assert any(a.duty_id for a in built.published.assignments)
        client = app.test_client()
        client.post("/auth/login", data={"email": "sup@example.org", "password": "password-1"})
        html = client.get(_week_page(built)).get_data(as_text=True)
        assert f"Technician {size - 5} of {size}" in html
        assert "What changed since version 1" in html
        assert html.count("Edit<span") == len(built.draft.assignments)
        printed = client.get(_print_page(built)).get_data(as_text=True)
        assert printed.count("Valid until 3 day(s) after the week") == size  # everyone's skill
    assert db.session.scalar(db.select(db.func.count(User.id))) == 4
