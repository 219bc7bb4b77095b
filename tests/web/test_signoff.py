"""Trainers and pharmacists-in-charge sign off competencies; each sign-off is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.dates import monday_of
from scheduler.extensions import db
from scheduler.filters import day
from scheduler.models import GoalStatus, SkillLevel, StaffCompetency, StaffRole
from scheduler.models.people import SignOff
from scheduler.services.problem_loader import build_problem

from .training_world import build_world


@pytest.fixture
def world(make_site, make_shift, make_competency, make_station, make_staff):
    return build_world(make_site, make_shift, make_competency, make_station, make_staff)


def _skill(staff, competency) -> StaffCompetency:
    return db.session.scalar(
        db.select(StaffCompetency).where(
            StaffCompetency.staff_id == staff.id, StaffCompetency.competency_id == competency.id
        )
    )


def _url(w, staff=None, competency=None):
    return f"/signoff/{(staff or w.trainee).id}/{(competency or w.asep).id}"


def _can_work_alone(w) -> bool:
    """Whether the solver's problem for this week lets Tom count toward IV-room cover."""
    problem, _ids = build_problem(w.site, monday_of(w.today))
    person = problem.person[f"p{w.trainee.id}"]
    return problem.can_work(person, problem.station[f"st{w.iv_room.id}"], 0)


def test_a_trainer_signs_off_a_trainee_who_can_then_work_alone(
    client, world, make_user, login, make_rota
):
    w = world
    past = w.today - timedelta(days=7)
    make_rota(
        w.site, monday_of(past), rows=[(w.trainee, past, w.day, w.iv_room, "trainee", w.trainer)]
    )
    login(make_user("technician", email="tia@example.org", staff=w.trainer))
    assert not _can_work_alone(w)

    html = client.get("/signoff/").get_data(as_text=True)
    assert "Tom" in html
    assert "1 of 4 done" in html
    form = client.get(_url(w)).get_data(as_text=True)
    assert form.count("<option") == 1  # a trainer may sign off up to independent only
    assert "Independent" in form
    default_until = (w.today + timedelta(days=365)).isoformat()
    assert f'value="{default_until}"' in form  # from the competency's requalification interval

    page = client.post(
        _url(w),
        data={
            "level": "independent",
            "valid_until": default_until,
            "note": "Observed 4 compounding sessions",
        },
    )
    assert page.status_code == 302
    skill = _skill(w.trainee, w.asep)
    assert skill.level is SkillLevel.INDEPENDENT
    assert skill.valid_until.isoformat() == default_until
    assert skill.signed_off_by_id == w.trainer.id
    assert skill.signed_off_at is not None
    record = db.session.scalar(db.select(SignOff))
    assert (record.staff_id, record.from_level, record.to_level) == (
        w.trainee.id,
        SkillLevel.SUPERVISED,
        SkillLevel.INDEPENDENT,
    )
    assert record.signed_by_staff_id == w.trainer.id
    assert record.signer_name == "Tia (Technician)"
    assert record.supervised_shifts == 1
    assert record.note == "Observed 4 compounding sessions"
    assert w.goal.status is GoalStatus.MET
    assert _can_work_alone(w)


def test_a_trainer_may_not_make_someone_a_trainer(client, world, make_user, login):
    w = world
    login(make_user("technician", email="tia@example.org", staff=w.trainer))
    page = client.post(_url(w), data={"level": "trainer", "valid_until": "", "note": "x"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="level-error"' in html
    assert _skill(w.trainee, w.asep).level is SkillLevel.SUPERVISED
    assert db.session.scalar(db.select(SignOff)) is None


def test_sign_off_is_refused_without_a_trainer_level(client, world, make_user, login):
    w = world
    login(make_user("technician", email="una@example.org", staff=w.other))
    assert client.get(_url(w)).status_code == 403
    page = client.post(_url(w), data={"level": "independent", "valid_until": "", "note": ""})
    assert page.status_code == 403
    assert _skill(w.trainee, w.asep).level is SkillLevel.SUPERVISED
    assert "no valid trainer level" in client.get("/signoff/").get_data(as_text=True)


def test_a_lapsed_trainer_level_does_not_count(client, world, make_user, login):
    w = world
    _skill(w.trainer, w.asep).valid_until = w.today - timedelta(days=1)
    login(make_user("technician", email="tia@example.org", staff=w.trainer))
    assert client.get(_url(w)).status_code == 403


def test_a_trainee_technician_cannot_sign_off_even_at_trainer_level(
    client, world, make_user, login
):
    w = world
    w.trainer.role = StaffRole.TRAINEE
    login(make_user("technician", email="tia@example.org", staff=w.trainer))
    assert client.get(_url(w)).status_code == 403


def test_nobody_signs_off_themselves(client, world, make_user, login):
    w = world
    login(make_user("technician", email="tia@example.org", staff=w.trainer))
    assert client.get(_url(w, staff=w.trainer)).status_code == 403
    client.post("/auth/logout")
    login(make_user("pic", email="pic@example.org", staff=w.trainee))
    page = client.post(_url(w), data={"level": "independent", "valid_until": "", "note": ""})
    assert page.status_code == 403
    assert db.session.scalar(db.select(SignOff)) is None


def test_a_pharmacist_in_charge_may_grant_trainer_and_sees_the_history(
    client, world, make_user, login
):
    w = world
    login(make_user("pic", email="pic@example.org", name="Uma"))
    html = client.get("/signoff/").get_data(as_text=True)
    assert "Sign-off history" in html
    form = client.get(_url(w, staff=w.other, competency=w.fill)).get_data(as_text=True)
    assert "Trainer (may train and sign off others)" in form
    page = client.post(
        _url(w, staff=w.other, competency=w.fill),
        data={"level": "trainer", "valid_until": "", "note": "Lead trainer"},
    )
    assert page.status_code == 302
    assert _skill(w.other, w.fill).level is SkillLevel.TRAINER
    history = client.get("/signoff/history").get_data(as_text=True)
    assert "Una" in history
    assert "Uma (Pharmacist-in-charge)" in history
    assert "<td>Independent</td>" in history  # from
    assert "<td>Trainer</td>" in history  # to
    assert "Lead trainer" in history
    record = db.session.scalar(db.select(SignOff))
    record.signed_at = datetime(2026, 12, 6, 15, 27, tzinfo=UTC)
    db.session.commit()
    zone = w.other.home_site.timezone
    shown = datetime(2026, 12, 6, 15, 27, tzinfo=UTC).astimezone(ZoneInfo(zone))
    history = client.get("/signoff/history").get_data(as_text=True)
    assert f'<th scope="row">06 Dec 2026 {shown:%H:%M} {shown.tzname()}</th>' in history
    assert "(UTC)" not in history
    assert client.get(f"/signoff/history?staff={w.other.id}").status_code == 200
    assert client.get("/signoff/history?staff=9999").status_code == 404


def test_the_new_level_must_be_higher_and_valid_beyond_its_sign_off_today(
    client, world, make_user, login
):
    w = world
    login("supervisor")
    page = client.post(_url(w), data={"level": "observe", "valid_until": "", "note": ""})
    assert 'id="level-error"' in page.get_data(as_text=True)
    past = (w.today - timedelta(days=1)).isoformat()
    past_day, today_day = day(w.today - timedelta(days=1)), day(w.today)
    page = client.post(_url(w), data={"level": "independent", "valid_until": past, "note": "kept"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="valid_until-error"' in html
    assert (
        f"Valid until {past_day} is not after the sign-off date: it is recorded today, "
        f"{today_day} (site time)."
    ) in html
    assert "kept" in html
    assert _skill(w.trainee, w.asep).level is SkillLevel.SUPERVISED


def test_someone_at_the_top_level_has_nothing_left_to_sign(client, world, make_user, login):
    w = world
    w.other.skills.append(StaffCompetency(competency=w.asep, level=SkillLevel.INDEPENDENT))
    login(make_user("technician", email="tia@example.org", staff=w.trainer))
    page = client.get(_url(w, staff=w.other))
    assert page.status_code == 200
    assert "highest level you may sign off" in page.get_data(as_text=True)


def test_unknown_people_or_competencies_are_not_found(client, world, login):
    login("pic")
    assert client.get(f"/signoff/9999/{world.asep.id}").status_code == 404
    assert client.get(f"/signoff/{world.trainee.id}/9999").status_code == 404


def test_technicians_cannot_read_the_history(client, world, make_user, login):
    login(make_user("technician", email="tia@example.org", staff=world.trainer))
    assert client.get("/signoff/history").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/signoff/").status_code == 302
    assert client.get("/signoff/history").status_code == 302
