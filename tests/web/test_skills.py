"""Competencies and the skills matrix."""

from __future__ import annotations

import re

import pytest

from scheduler.extensions import db
from scheduler.models import Competency, SkillLevel, StaffCompetency, StaffRole

from .setup_pharmacy import Pharmacy, build_pharmacy


@pytest.fixture
def pharmacy(make_site, make_shift, make_competency, make_station, make_staff) -> Pharmacy:
    """Lakeside Hospital with Ann, Ben and Pat, and Zoe at Hill Pharmacy."""
    return build_pharmacy(make_site, make_shift, make_competency, make_station, make_staff)


def _cell(page: str, person: str, column: int) -> str:
    """The text of a person's cell in the matrix (column 0 is the first competency)."""
    row = re.search(rf"<tr>\s*<th scope=\"row\"><a [^>]*>{person}</a>.*?</tr>", page, re.S)
    assert row is not None, person
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", cells[column]).split())


# ----- who may open what ------------------------------------------------------------


def _urls(ph):
    """Every skills route as (method, url, what a PIC gets)."""
    return [
        ("get", "/skills/", 200),
        ("get", "/skills/new", 403),
        ("post", "/skills/new", 403),
        ("get", f"/skills/{ph.fill.id}/edit", 403),
        ("get", "/skills/matrix", 200),
        ("get", f"/skills/matrix?site={ph.site.id}", 200),
    ]


@pytest.mark.parametrize("role", ["supervisor", "pic", "technician"])
def test_access_by_role(client, login, pharmacy, role):
    login(role, staff=pharmacy.ben if role == "technician" else None)
    for method, url, pic in _urls(pharmacy):
        expected = {"supervisor": 200, "pic": pic, "technician": 403}[role]
        if role == "supervisor" and method == "post":
            continue
        assert getattr(client, method)(url).status_code == expected, url


def test_anonymous_is_sent_to_sign_in(client, pharmacy):
    for method, url, _pic in _urls(pharmacy):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


def test_unknown_ids_are_404(client, login, pharmacy):
    login("supervisor")
    assert client.get("/skills/999/edit").status_code == 404
    assert client.get("/skills/matrix?site=999").status_code == 404


# ----- competencies --------------------------------------------------------------------


def test_create_and_edit_competency(client, login, pharmacy):
    login("supervisor")
    data = {
        "name": "Hazardous drugs",
        "code": "hd",
        "requalify_days": "365",
        "prerequisite_id": pharmacy.sterile.id,
    }
    assert client.post("/skills/new", data=data).status_code == 302
    hd = db.session.scalar(db.select(Competency).where(Competency.code == "HD"))
    assert hd.prerequisite_id == pharmacy.sterile.id
    assert hd.requalify_days == 365
    page = client.get("/skills/").get_data(as_text=True)
    assert "Hazardous drugs" in page
    assert "365 days" in page
    edit = {**data, "code": "HD", "requalify_days": "", "prerequisite_id": ""}
    assert client.post(f"/skills/{hd.id}/edit", data=edit).status_code == 302
    db.session.expire_all()
    hd = db.session.get(Competency, hd.id)
    assert hd.requalify_days is None
    assert hd.prerequisite_id is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"code": "cf"}, "code", "Another competency already has this code."),
        ({"name": "central FILL"}, "name", "Another competency already has this name."),
        ({"code": "IV ROOM"}, "code", "no spaces"),
        ({"requalify_days": "0"}, "requalify_days", "Enter a number of days from 1 to 3650."),
    ],
)
def test_competency_form_rejects_bad_values(client, login, pharmacy, data, field, message):
    login("supervisor")
    form = {"name": "IV room", "code": "IV", "requalify_days": "", "prerequisite_id": "", **data}
    response = client.post("/skills/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert message in page
    assert db.session.scalars(db.select(Competency)).all() == [pharmacy.fill, pharmacy.sterile]


def test_prerequisite_cannot_make_a_loop(client, login, pharmacy):
    pharmacy.sterile.prerequisite = pharmacy.fill
    db.session.commit()
    login("supervisor")
    data = {
        "name": "Central fill",
        "code": "CF",
        "requalify_days": "",
        "prerequisite_id": pharmacy.sterile.id,
    }
    page = client.post(f"/skills/{pharmacy.fill.id}/edit", data=data).get_data(as_text=True)
    assert "That would make a loop" in page
    choices = client.get(f"/skills/{pharmacy.fill.id}/edit").get_data(as_text=True)
    assert f'value="{pharmacy.fill.id}">Central fill' not in choices  # not its own prerequisite
    db.session.expire_all()
    assert db.session.get(Competency, pharmacy.fill.id).prerequisite_id is None


# ----- the matrix ---------------------------------------------------------------------------


def test_matrix_shows_levels_expiry_and_legend(client, login, pharmacy, make_staff):
    ph = pharmacy
    ph.ann.skills[0].valid_until = ph.days(10)
    ph.ben.skills[0].valid_until = ph.days(-1)
    ph.ann.skills.append(
        StaffCompetency(competency=ph.sterile, level=SkillLevel.TRAINER, valid_until=ph.days(200))
    )
    make_staff(ph.site, "Tess", {ph.fill: "observe"}, role=StaffRole.TRAINEE)
    make_staff(ph.site, "Old", {ph.fill: "trainer"}, active=False)
    db.session.commit()
    login("pic")
    page = client.get(f"/skills/matrix?site={ph.site.id}").get_data(as_text=True)
    # columns are by name: Aseptic technique, then Central fill
    assert page.index(">ASEP<") < page.index(">CF<")
    until = ph.days(10)
    assert _cell(page, "Ann", 1) == f"Ind {_until(until, ph)} ⏳ Renew soon"
    assert _cell(page, "Ben", 1).startswith("Sup valid until")
    assert _cell(page, "Ben", 1).endswith("⚠ No longer valid")
    assert _cell(page, "Ann", 0).startswith("Trn valid until")
    assert "Renew" not in _cell(page, "Ann", 0)
    assert "Expire" not in page
    assert "lapse" not in page
    assert _cell(page, "Pat", 1) == "– Not held"
    assert _cell(page, "Tess", 1) == "Obs"
    assert "Old" not in page
    assert "Zoe" not in page
    for group in ("Pharmacists (1)", "Technicians (2)", "Trainee technicians (1)"):
        assert group in page
    assert page.index("Pharmacists (1)") < page.index("Technicians (2)")
    assert 'scope="col"' in page
    assert 'scope="row"' in page
    assert "Legend" in page
    assert "Renew soon</span> valid until a day within 30 days" in page
    # who can work alone, in date: Ann only for central fill (Ben is supervised and lapsed)
    footer = page[page.index("<tfoot>") :]
    assert re.findall(r"<td[^>]*>(\d+)", footer)[:2] == ["1", "1"]


def _until(day, ph) -> str:
    """A last valid day as the matrix writes it: 'valid until Thu 5 Mar', with the year when not
    this year."""
    year = "" if day.year == ph.today.year else f" {day.year}"
    return f"valid until {day:%a} {day.day} {day:%b}{year}"


def test_skill_added_on_a_person_appears_on_the_matrix(client, login, pharmacy):
    login("supervisor")
    until = pharmacy.days(5)
    client.post(
        f"/staff/{pharmacy.pat.id}/skills/new",
        data={
            "competency_id": pharmacy.sterile.id,
            "level": "independent",
            "valid_until": until.isoformat(),
        },
    )
    page = client.get(f"/skills/matrix?site={pharmacy.site.id}").get_data(as_text=True)
    assert _cell(page, "Pat", 0) == f"Ind {_until(until, pharmacy)} ⏳ Renew soon"


def test_matrix_without_sites_or_staff(client, login, make_site):
    login("supervisor")
    assert "No sites yet" in client.get("/skills/matrix").get_data(as_text=True)
    site = make_site("Empty")
    db.session.commit()
    page = client.get(f"/skills/matrix?site={site.id}").get_data(as_text=True)
    assert "Nothing to show yet" in page
