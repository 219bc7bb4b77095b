"""Archiving: stations, shift types, duties, competencies and people kept for history, gone
from lists, pickers and new rotas; refused, with links, while something in use needs them."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from html import unescape

import pytest

from scheduler.extensions import db
from scheduler.models import (
    AuditEvent,
    Competency,
    Duty,
    DutyKind,
    Leave,
    LeaveKind,
    RotaStatus,
    ShiftType,
    Staff,
    Station,
    utcnow,
)
from scheduler.services import first_run
from scheduler.services.accounts import technicians_without_account
from scheduler.services.problem_loader import build_problem
from scheduler.services.rota_edits import current_violations
from scheduler.services.rota_lookup import latest_rota
from scheduler.services.rota_pages import wall_chart
from scheduler.services.setup_check import week_faults
from scheduler.services.setup_warnings import week_warnings
from scheduler.services.solving import run_solve

from .conftest import MONDAY

NEXT_MONDAY = MONDAY + timedelta(days=7)


# ----- helpers ------------------------------------------------------------------------------------


FLASHES = re.compile(r'<div class="flashes".*?</div>', re.S)


def html_of(response) -> str:
    """A response's HTML with entities read, without the messages flashed by earlier posts."""
    return FLASHES.sub("", unescape(response.get_data(as_text=True)))


def text_of(response) -> str:
    """A response's text without tags (flashed messages included), spaces squeezed."""
    return " ".join(re.sub(r"<[^>]+>", " ", unescape(response.get_data(as_text=True))).split())


def listed(html: str, section: str) -> str:
    """A set-up section's list: from its id to its archived part (or its end)."""
    start = html.index(f'id="{section}"')
    end = html.index("</section>", start)
    part = html[start:end]
    return part.split('<details class="archived"')[0]


def archived_part(html: str, section: str) -> str:
    """A set-up section's "Archived (N)" part, '' when it has none."""
    start = html.index(f'id="{section}"')
    end = html.index("</section>", start)
    part = html[start:end]
    return part.split('<details class="archived"', 1)[1] if "<details" in part else ""


def row(name: str) -> str:
    """A table row heading as the set-up lists write it."""
    return f'<th scope="row">{name}</th>'


def shows(html: str, name: str) -> bool:
    """Whether a name stands alone as an element's text: a row, an option, a checkbox label."""
    return re.search(rf">\s*{re.escape(name)}\s*<", html) is not None


def shift_row(name: str) -> str:
    """A shift type's row heading in the set-up list starts with its name."""
    return f'<th scope="row">{name} <span class="hint">'


def press(client, page: str, action: str):
    """Press the button posting to ``action`` on ``page``, as a person would (it must be there)."""
    html = html_of(client.get(page))
    assert f'action="{action}"' in html, f"no button posting to {action} on {page}"
    return client.post(action)


def audit_summaries() -> list[str]:
    """Every audit event's summary, oldest first."""
    return list(db.session.scalars(db.select(AuditEvent.summary).order_by(AuditEvent.id)))


def named(model, name: str):
    return db.session.scalar(db.select(model).where(model.name == name))


@pytest.fixture
def site(tiny_site):
    """Tiny Pharmacy with an inventory count limited to the day shift and needing RPHV."""
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    rphv = db.session.scalar(db.select(Competency).where(Competency.code == "RPHV"))
    duty = Duty(
        site=tiny_site,
        name="Inventory count",
        kind=DutyKind.INVENTORY_COUNT,
        minutes=60,
        per_week=1,
        shift_types=[day],
        competency=rphv,
    )
    db.session.add(duty)
    db.session.commit()
    return tiny_site


# ----- archive and restore each kind through the pages --------------------------------------------


def test_a_supervisor_archives_and_restores_a_station(client, login, site):
    login("supervisor")
    fill = named(Station, "Central fill")
    page = f"/setup/sites/{site.id}"
    answer = press(client, page, f"/setup/stations/{fill.id}/archive")
    assert answer.status_code == 302
    shown = client.get(answer.headers["Location"])
    assert "Archived the station Central fill" in text_of(shown)
    html = html_of(shown)
    assert row("Central fill") not in listed(html, "stations")
    assert row("Order entry") in listed(html, "stations")
    archived = archived_part(html, "stations")
    assert "Archived stations (1)" in archived
    assert "Central fill" in archived
    db.session.expire_all()
    assert named(Station, "Central fill").archived_at is not None

    answer = press(client, page, f"/setup/stations/{fill.id}/restore")
    assert answer.status_code == 302
    html = html_of(client.get(page))
    assert row("Central fill") in listed(html, "stations")
    assert archived_part(html, "stations") == ""
    db.session.expire_all()
    assert named(Station, "Central fill").archived_at is None
    assert len(named(Station, "Central fill").cover) == 14  # its cover came back with it
    summaries = audit_summaries()
    assert "Archived the station Central fill at Tiny Pharmacy." in summaries
    assert "Restored the station Central fill at Tiny Pharmacy." in summaries
    actions = db.session.scalars(
        db.select(AuditEvent.action)
        .where(AuditEvent.object_type == "station", AuditEvent.object_id == fill.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions[-2:] == ["archived", "restored"]


def test_a_supervisor_archives_and_restores_a_shift_type(client, login, site):
    login("supervisor")
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    fill = named(Station, "Central fill")
    page = f"/setup/sites/{site.id}"
    assert shift_row("Evening") in listed(html_of(client.get(page)), "shifts")
    assert press(client, page, f"/setup/shifts/{eve.id}/archive").status_code == 302
    html = html_of(client.get(page))
    assert shift_row("Evening") not in listed(html, "shifts")
    assert shift_row("Day") in listed(html, "shifts")
    assert "Archived shift types (1)" in archived_part(html, "shifts")
    # the station's cover counts and its grid leave the archived shift out, keeping its lines
    assert "7 weekday lines" in listed(html, "stations")
    cover = html_of(client.get(f"/setup/stations/{fill.id}/cover"))
    assert "Evening" not in cover
    assert client.post(f"/setup/stations/{fill.id}/cover", data={}).status_code == 302
    db.session.expire_all()
    assert sum(1 for line in fill.cover if line.shift_type.code == "E") == 7

    assert press(client, page, f"/setup/shifts/{eve.id}/restore").status_code == 302
    assert shift_row("Evening") in listed(html_of(client.get(page)), "shifts")
    assert "Evening" in html_of(client.get(f"/setup/stations/{fill.id}/cover"))
    summaries = audit_summaries()
    assert "Archived the Evening shift at Tiny Pharmacy." in summaries
    assert "Restored the Evening shift at Tiny Pharmacy." in summaries


def test_a_supervisor_archives_and_restores_a_duty(client, login, site):
    login("supervisor")
    duty = named(Duty, "Inventory count")
    page = f"/setup/sites/{site.id}"
    assert press(client, page, f"/setup/duties/{duty.id}/archive").status_code == 302
    html = html_of(client.get(page))
    assert row("Inventory count") not in listed(html, "duties")
    assert "No duties yet." in listed(html, "duties")
    assert "Archived duties (1)" in archived_part(html, "duties")
    assert press(client, page, f"/setup/duties/{duty.id}/restore").status_code == 302
    assert row("Inventory count") in listed(html_of(client.get(page)), "duties")
    summaries = audit_summaries()
    assert "Archived the duty Inventory count at Tiny Pharmacy." in summaries
    assert "Restored the duty Inventory count at Tiny Pharmacy." in summaries


def test_a_supervisor_archives_and_restores_a_competency(client, login, site, make_competency):
    garbing = make_competency("GARB", name="Garbing")
    db.session.commit()
    login("supervisor")
    answer = press(client, "/skills/", f"/skills/{garbing.id}/archive")
    assert answer.status_code == 302
    shown = client.get(answer.headers["Location"])
    assert "Archived the competency Garbing (GARB)" in text_of(shown)
    html = html_of(shown)
    listing, archived = html.split('<details class="archived"')
    assert row("Garbing") not in listing
    assert "Archived competencies (1)" in archived
    assert "Garbing" in archived

    answer = press(client, "/skills/", f"/skills/{garbing.id}/restore")
    assert answer.status_code == 302
    html = html_of(client.get("/skills/"))
    assert row("Garbing") in html
    assert '<details class="archived"' not in html
    summaries = audit_summaries()
    assert "Archived the competency Garbing (GARB)." in summaries
    assert "Restored the competency Garbing (GARB)." in summaries


# ----- pickers ------------------------------------------------------------------------------------


def test_archived_rows_are_not_offered_by_the_forms(client, login, site, make_competency):
    garbing = make_competency("GARB", name="Garbing")
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    fill, entry = named(Station, "Central fill"), named(Station, "Order entry")
    ann = named(Staff, "Ann")
    db.session.commit()
    login("supervisor")
    client.post(f"/skills/{garbing.id}/archive")
    client.post(f"/setup/shifts/{eve.id}/archive")
    client.post(f"/setup/stations/{fill.id}/archive")
    forms = {
        "station": f"/setup/sites/{site.id}/stations/new",
        "duty": f"/setup/sites/{site.id}/duties/new",
        "shift": f"/setup/sites/{site.id}/shifts/new",
        "skill": f"/staff/{ann.id}/skills/new",
        "leave": f"/staff/leave/new?site={site.id}",
        "date cover": f"/setup/stations/{entry.id}/cover",
    }
    pages = {name: html_of(client.get(url)) for name, url in forms.items()}
    assert "Garbing" not in pages["station"]
    assert "Garbing" not in pages["duty"]
    assert "Garbing" not in pages["skill"]
    assert "Evening" not in pages["duty"]
    assert "Evening" not in pages["shift"]
    assert "Evening" not in pages["leave"]
    assert "Evening" not in pages["date cover"]
    assert "RPHV" in pages["station"]
    assert "Day" in pages["duty"]


def test_a_technicians_offer_form_leaves_archived_stations_and_duties_out(
    client, login, site, make_user
):
    fill = named(Station, "Central fill")
    duty = named(Duty, "Inventory count")
    fill.archived_at = duty.archived_at = utcnow()
    db.session.commit()
    login("technician", staff=named(Staff, "Ann"))
    page = html_of(client.get("/me/offers/new"))
    assert "Order entry" in page
    assert "Central fill" not in page
    assert "Inventory count" not in page


def test_archived_people_leave_the_staff_list_and_the_pickers(client, login, site):
    ann = named(Staff, "Ann")
    login("supervisor")
    press(client, f"/staff/{ann.id}", f"/staff/{ann.id}/deactivate")
    listing = client.get(f"/staff/?site={site.id}")
    html = html_of(listing)
    table = html.split('id="archived"')[0]
    assert not shows(table, "Ann")
    assert shows(table, "Ben")
    assert "Show 1 archived person" in html
    link = re.search(r'href="([^"]*archived=1[^"]*)"', html).group(1)
    shown = html_of(client.get(link))
    archived = shown.split('id="archived"')[1]
    assert "Archived people (1)" in archived
    assert shows(archived, "Ann")
    assert "Hide archived people" in archived
    assert f'action="/staff/{ann.id}/activate"' in archived  # restore from the list
    person = html_of(client.get(f"/staff/{ann.id}"))
    assert "Archived" in person
    assert ">Restore<" in person
    for url in (f"/staff/leave/new?site={site.id}", f"/setup/sites/{site.id}/duties/new"):
        page = html_of(client.get(url))
        assert shows(page, "Ben"), url
        assert not shows(page, "Ann"), url
    db.session.expire_all()
    bulk = [p.name for p in technicians_without_account(site)]  # accounts for many at once
    assert "Ben" in bulk
    assert "Ann" not in bulk
    assert "Archived the staff record of Ann." in audit_summaries()


# ----- refusals -----------------------------------------------------------------------------------


def test_a_competency_a_station_needs_is_not_archived(client, login, site):
    cf = db.session.scalar(db.select(Competency).where(Competency.code == "CF"))
    fill = named(Station, "Central fill")
    login("supervisor")
    answer = client.post(f"/skills/{cf.id}/archive")
    assert answer.status_code == 409
    text = text_of(answer)
    assert "The competency Central fill (CF) cannot be archived yet" in text
    assert "Central fill still needs it: remove it from the station first." in text
    assert f'<a href="/setup/stations/{fill.id}/edit">Central fill</a>' in html_of(answer)
    db.session.expire_all()
    assert cf.archived_at is None
    assert not any("Archived" in s for s in audit_summaries())


def test_a_competency_a_duty_needs_or_that_comes_first_is_not_archived(
    client, login, site, make_competency
):
    rphv = db.session.scalar(db.select(Competency).where(Competency.code == "RPHV"))
    later = make_competency("ONC", name="Oncology", prerequisite=rphv)
    db.session.commit()
    login("supervisor")
    answer = client.post(f"/skills/{rphv.id}/archive")
    assert answer.status_code == 409
    text = text_of(answer)
    assert "Order entry still needs it: remove it from the station first." in text
    assert "Inventory count (a duty) still needs it" in text
    assert "Oncology has it as its prerequisite" in text
    assert f'href="/skills/{later.id}/edit"' in html_of(answer)
    db.session.expire_all()
    assert rphv.archived_at is None


def test_a_shift_type_a_duty_is_limited_to_is_not_archived(client, login, site):
    day = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "D"))
    duty = named(Duty, "Inventory count")
    login("supervisor")
    answer = client.post(f"/setup/shifts/{day.id}/archive")
    assert answer.status_code == 409
    assert "Inventory count (a duty) is limited to this shift: untick it on the duty first." in (
        text_of(answer)
    )
    assert f'<a href="/setup/duties/{duty.id}/edit">Inventory count</a>' in html_of(answer)
    db.session.expire_all()
    assert day.archived_at is None
    # once the duty is archived, nothing in use needs the shift
    assert client.post(f"/setup/duties/{duty.id}/archive").status_code == 302
    assert client.post(f"/setup/shifts/{day.id}/archive").status_code == 302
    # and the duty cannot come back while its shift is archived
    answer = client.post(f"/setup/duties/{duty.id}/restore")
    assert answer.status_code == 409
    assert "Day (a shift type it is limited to) is archived: restore that shift first." in (
        text_of(answer)
    )
    db.session.expire_all()
    assert duty.archived_at is not None


def test_a_station_needing_an_archived_competency_is_not_restored(client, login, site):
    cf = db.session.scalar(db.select(Competency).where(Competency.code == "CF"))
    fill = named(Station, "Central fill")
    login("supervisor")
    assert client.post(f"/setup/stations/{fill.id}/archive").status_code == 302
    assert client.post(f"/skills/{cf.id}/archive").status_code == 302  # nothing in use needs it
    answer = client.post(f"/setup/stations/{fill.id}/restore")
    assert answer.status_code == 409
    assert "(a competency it needs) is archived: restore it first." in text_of(answer)
    assert 'href="/skills/#archived"' in html_of(answer)
    db.session.expire_all()
    assert fill.archived_at is not None


@pytest.mark.parametrize("role", ["technician", "pic"])
def test_only_a_supervisor_archives_or_restores(client, login, site, role):
    cf = db.session.scalar(db.select(Competency).where(Competency.code == "CF"))
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    fill, duty = named(Station, "Central fill"), named(Duty, "Inventory count")
    login(role, staff=named(Staff, "Ann") if role == "technician" else None)
    for kind, ident in (("stations", fill.id), ("shifts", eve.id), ("duties", duty.id)):
        for verb in ("archive", "restore"):
            assert client.post(f"/setup/{kind}/{ident}/{verb}").status_code == 403
    for verb in ("archive", "restore"):
        assert client.post(f"/skills/{cf.id}/{verb}").status_code == 403
    ann = named(Staff, "Ann")
    assert client.post(f"/staff/{ann.id}/deactivate").status_code == 403
    db.session.expire_all()
    assert all(x.archived_at is None for x in (cf, eve, fill, duty))
    assert named(Staff, "Ann").active
    archived = db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.action.in_(["archived", "restored"])
    )
    assert db.session.scalar(archived) == 0


# ----- names --------------------------------------------------------------------------------------


def test_a_new_row_named_like_an_archived_one_says_to_restore_it(client, login, site):
    fill = named(Station, "Central fill")
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    duty = named(Duty, "Inventory count")
    login("supervisor")
    for url in (
        f"/setup/stations/{fill.id}/archive",
        f"/setup/shifts/{eve.id}/archive",
        f"/setup/duties/{duty.id}/archive",
    ):
        assert client.post(url).status_code == 302
    stations = db.session.scalar(db.select(db.func.count(Station.id)))
    answer = client.post(f"/setup/sites/{site.id}/stations/new", data={"name": "central FILL"})
    assert answer.status_code == 200
    html = html_of(answer)
    assert re.search(
        r'id="name-error"><span>An archived station has this name: restore it instead', html
    )
    answer = client.post(
        f"/setup/sites/{site.id}/shifts/new",
        data={"code": "e", "name": "Late", "start": "15:00", "end": "23:00", "weekdays": ["0"]},
    )
    assert "An archived shift type has this code: restore it instead" in html_of(answer)
    answer = client.post(
        f"/setup/sites/{site.id}/duties/new",
        data={"name": "Inventory Count", "kind": "inventory_count", "minutes": "60"},
    )
    assert "An archived duty has this name: restore it instead" in html_of(answer)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Station.id))) == stations
    # a name no row has is fine, and a clash with a row in use says so as before
    answer = client.post(f"/setup/sites/{site.id}/stations/new", data={"name": "Order entry"})
    assert "This site already has a station with this name." in html_of(answer)


def test_a_competency_named_like_an_archived_one_says_to_restore_it(
    client, login, site, make_competency
):
    garbing = make_competency("GARB", name="Garbing")
    db.session.commit()
    login("supervisor")
    client.post(f"/skills/{garbing.id}/archive")
    answer = client.post("/skills/new", data={"name": "garbing", "code": "garb"})
    html = html_of(answer)
    assert "An archived competency has this name: restore it instead" in html
    assert "An archived competency has this code: restore it instead" in html
    assert db.session.scalar(db.select(db.func.count(Competency.id))) == 3


# ----- new rotas leave archived rows out; old ones still show them --------------------------------


def _published_week(make_rota, site):
    """MONDAY's published rota: Ann on Central fill (day) and Pat on Order entry (evening)."""
    day, eve = site.shift_types
    fill, entry = named(Station, "Central fill"), named(Station, "Order entry")
    rota = make_rota(
        site,
        rows=[
            (named(Staff, "Ann"), MONDAY, day, fill),
            (named(Staff, "Pat"), MONDAY, eve, entry),
        ],
    )
    db.session.commit()
    return rota


def test_a_new_rota_leaves_an_archived_station_out_and_an_old_one_still_shows_it(
    app, client, login, site, make_rota
):
    old = _published_week(make_rota, site)
    fill = named(Station, "Central fill")
    pinned = make_rota(
        site,
        NEXT_MONDAY,
        status=RotaStatus.DRAFT,
        rows=[(named(Staff, "Ben"), NEXT_MONDAY, site.shift_types[0], fill)],
        pinned=True,
    )
    db.session.commit()
    login("supervisor")
    assert client.post(f"/setup/stations/{fill.id}/archive").status_code == 302

    problem, _ids = build_problem(site, NEXT_MONDAY, pins_from=[pinned])
    assert [s.name for s in problem.stations] == ["Order entry"]
    assert {c.station for c in problem.cover} == {problem.stations[0].id}
    assert problem.pins == ()  # a pin at the archived station cannot hold
    assert week_faults(site, NEXT_MONDAY) == []

    new = run_solve(site, NEXT_MONDAY, time_limit=2, pins_from=[])
    assert new.assignments
    assert all(a.station_id != fill.id for a in new.assignments)
    assert "Central fill" not in [r.label for r in wall_chart(new).rows]

    assert "Central fill" in [r.label for r in wall_chart(old).rows]
    page = client.get(f"/rotas/{site.id}/{MONDAY.isoformat()}")
    assert page.status_code == 200
    assert row("Central fill") in html_of(page)
    newer = client.get(f"/rotas/{site.id}/{NEXT_MONDAY.isoformat()}?version={new.version}")
    assert newer.status_code == 200
    assert row("Central fill") not in html_of(newer)
    assert row("Order entry") in html_of(newer)


def test_an_archived_shift_type_leaves_the_problem_with_what_names_it(
    client, login, site, make_rota
):
    _published_week(make_rota, site)  # last week: Pat worked an evening
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    ann = named(Staff, "Ann")
    db.session.add(
        Leave(
            staff=ann,
            start_date=NEXT_MONDAY,
            end_date=NEXT_MONDAY,
            kind=LeaveKind.ANNUAL,
            approved=True,
            shift_type=eve,
        )
    )
    db.session.commit()
    login("supervisor")
    assert client.post(f"/setup/shifts/{eve.id}/archive").status_code == 302
    problem, ids = build_problem(site, NEXT_MONDAY)
    assert [s.name for s in problem.shift_types] == ["Day"]
    assert all(c.shift == problem.shift_types[0].id for c in problem.cover)
    assert week_faults(site, NEXT_MONDAY) == []  # history, leave and cover name no lost shift
    assert all(
        shift in ids.shifts for p in problem.people for _day, shift in p.unavailable if shift
    )


def test_an_old_rota_is_still_checked_as_it_was_planned(client, login, site, make_rota):
    rota = _published_week(make_rota, site)
    fill = named(Station, "Central fill")
    eve = db.session.scalar(db.select(ShiftType).where(ShiftType.code == "E"))
    login("supervisor")
    client.post(f"/setup/stations/{fill.id}/archive")
    client.post(f"/setup/shifts/{eve.id}/archive")
    problem, _ids = build_problem(site, MONDAY, archived_in=[rota])
    assert {s.name for s in problem.stations} == {"Central fill", "Order entry"}
    assert {s.name for s in problem.shift_types} == {"Day", "Evening"}
    page = client.get(f"/rotas/{site.id}/{MONDAY.isoformat()}")
    assert page.status_code == 200
    assert "unknown station" not in text_of(page)
    assert current_violations(latest_rota(site.id, MONDAY)) == []  # as before archiving
    chart = [r.label for r in wall_chart(latest_rota(site.id, MONDAY)).rows]
    assert chart == ["Central fill", "Order entry", "Inventory count"]


# ----- set-up warnings, first steps, matrix and spreadsheets count rows in use --------------------


def test_warnings_and_first_steps_count_only_rows_in_use(app, client, login, site):
    fill, entry = named(Station, "Central fill"), named(Station, "Order entry")
    for person in db.session.scalars(db.select(Staff)):
        person.skills.clear()  # nobody is qualified anywhere
    db.session.commit()
    warned = " ".join(week_warnings(site, MONDAY))
    assert "Central fill" in warned
    assert "Order entry" in warned
    login("supervisor")
    client.post(f"/setup/stations/{fill.id}/archive")
    db.session.expire_all()
    warned = " ".join(week_warnings(site, MONDAY))
    assert "Central fill" not in warned
    assert "Order entry" in warned
    with app.test_request_context():
        steps = {s.title.split(":")[0]: s for s in first_run.steps(site)}
    assert steps["Stations and the cover each needs on each shift"].detail == "1 station"
    client.post(f"/setup/stations/{entry.id}/archive")
    with app.test_request_context():
        steps = {s.title.split(":")[0]: s for s in first_run.steps(site)}
    stations = steps["Stations and the cover each needs on each shift"]
    assert stations.detail == "0 stations"
    assert not stations.done


def test_the_matrix_and_the_staff_file_leave_an_archived_competency_out(
    client, login, site, make_competency
):
    garbing = make_competency("GARB", name="Garbing")
    ann = named(Staff, "Ann")
    db.session.commit()
    login("supervisor")
    client.post(
        f"/staff/{ann.id}/skills/new", data={"competency_id": garbing.id, "level": "independent"}
    )
    assert "Garbing" in html_of(client.get(f"/skills/matrix?site={site.id}"))
    client.post(f"/skills/{garbing.id}/archive")
    assert "Garbing" not in html_of(client.get(f"/skills/matrix?site={site.id}"))
    export = client.get(f"/sheets/staff.csv?site={site.id}").data.decode("utf-8-sig")
    assert "GARB level" not in export.splitlines()[0]
    assert "Garbing" in html_of(client.get(f"/staff/{ann.id}"))  # her level is kept
    upload = client.post(
        "/sheets/staff/import",
        data={
            "file": (
                io.BytesIO(
                    b"Name,Role,Home site,GARB level\nAnn,technician,Tiny Pharmacy,trainer\n"
                ),
                "staff.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    preview = text_of(client.get(upload.headers["Location"]))
    assert (
        "the competency \u201cGarbing\u201d is archived. Restore it under Skills first" in preview
    )
