"""Goal progress from hand-built rotas, CE requirements and expiry warnings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.extensions import db
from scheduler.models import CECategory, CEEntry, Certification, RotaStatus
from scheduler.services.development import (
    ce_status,
    cert_warning,
    goal_progress,
    project,
    skill_expiry_note,
)

from .training_world import build_world

WEEK1 = date(2026, 3, 2)  # Monday
WEEK2, WEEK3, WEEK4 = (WEEK1 + timedelta(weeks=n) for n in (1, 2, 3))
TODAY = date(2026, 3, 4)  # Wednesday of WEEK1


@pytest.fixture
def world(make_site, make_shift, make_competency, make_station, make_staff):
    return build_world(make_site, make_shift, make_competency, make_station, make_staff)


def _train(w, *days, station=None):
    """Trainee rows for Tom beside Tia on the given dates."""
    return [(w.trainee, d, w.day, station or w.iv_room, "trainee", w.trainer) for d in days]


@pytest.fixture
def planned_world(world, make_rota):
    """Tom's trainee shifts over four weeks in published and draft rotas of several versions."""
    w = world
    make_rota(
        w.site,
        WEEK1,
        rows=[
            *_train(w, WEEK1, WEEK1 + timedelta(days=1), WEEK1 + timedelta(days=3)),
            # a trainee shift at a station not needing aseptic technique does not count
            *_train(w, WEEK1 + timedelta(days=4), station=w.central_fill),
            # nor does Tia's own shift
            (w.trainer, WEEK1, w.day, w.iv_room),
        ],
    )
    make_rota(w.site, WEEK2, version=1, rows=_train(w, WEEK2))
    make_rota(w.site, WEEK2, version=2, rows=_train(w, WEEK2, WEEK2 + timedelta(days=1)))
    make_rota(w.site, WEEK3, status=RotaStatus.DRAFT, rows=_train(w, WEEK3 + timedelta(days=2)))
    make_rota(w.site, WEEK4, version=1, rows=_train(w, WEEK4))
    make_rota(  # a newer draft of a published week: the published plan holds
        w.site,
        WEEK4,
        version=2,
        status=RotaStatus.DRAFT,
        rows=_train(w, WEEK4, WEEK4 + timedelta(days=1), WEEK4 + timedelta(days=2)),
    )
    db.session.commit()
    return w


def test_goal_progress_counts_done_before_today_and_planned_from_today(planned_world):
    w = planned_world
    w.goal.shifts_needed = 10
    progress = goal_progress(w.goal, TODAY)
    assert progress.done == 2  # Mon and Tue of week 1
    assert progress.planned == 5  # Thu wk1, Mon+Tue wk2 (v2), Wed wk3 (draft), Mon wk4
    assert progress.planned_dates == (
        WEEK1 + timedelta(days=3),
        WEEK2,
        WEEK2 + timedelta(days=1),
        WEEK3 + timedelta(days=2),
        WEEK4,
    )
    assert progress.remaining == 3
    # pace: 5 shifts over 4 weeks -> 3 more need 3 more weeks after the last planned one
    assert progress.projected == WEEK4 + timedelta(weeks=3)
    assert progress.current_level == "supervised"
    assert not progress.ready


def test_goal_projection_is_the_planned_shift_that_completes_it(planned_world):
    w = planned_world
    w.goal.shifts_needed = 4
    w.goal.deadline = WEEK2 + timedelta(days=6)
    progress = goal_progress(w.goal, TODAY)
    assert (progress.done, progress.planned, progress.remaining) == (2, 5, 0)
    assert progress.projected == WEEK2  # the second planned shift
    assert progress.on_track is True
    assert progress.status_text == "On track"


def test_goal_behind_its_deadline_is_not_on_track(planned_world):
    w = planned_world
    w.goal.shifts_needed = 10
    w.goal.deadline = WEEK3
    progress = goal_progress(w.goal, TODAY)
    assert progress.on_track is False
    assert progress.status_text == "Behind: projected after the deadline"


def test_goal_without_planned_shifts_is_not_planned_yet(world):
    progress = goal_progress(world.goal, TODAY)
    assert (progress.done, progress.planned, progress.remaining) == (0, 0, 4)
    assert progress.projected is None
    assert progress.status_text == "Not planned yet"


def test_goal_with_enough_done_is_ready(planned_world):
    w = planned_world
    w.goal.shifts_needed = 2
    progress = goal_progress(w.goal, TODAY)
    assert progress.ready
    assert progress.remaining == 0
    assert progress.status_text == "Ready for sign-off"


def test_projection_follows_the_weekly_pace():
    monday = date(2026, 3, 2)
    assert project(0, []) is None
    assert project(3, []) is None
    assert project(2, [monday, monday + timedelta(days=1)]) == monday + timedelta(days=1)
    # two shifts a week over one week; four more need two more weeks
    assert project(6, [monday, monday + timedelta(days=2)]) == monday + timedelta(days=16)


def _ce(on, hours, category):
    return CEEntry(on_date=on, hours=hours, topic="A course", category=category)


def _cpht(world, expires):
    cert = Certification(staff=world.trainee, name="CPhT", expires=expires)
    db.session.add(cert)
    return cert


def test_ce_status_names_the_missing_law_hour(world):
    expires = date(2027, 6, 30)
    cert = _cpht(world, expires)
    entries = [
        _ce(date(2026, 1, 10), 16, CECategory.TECHNICIAN),
        _ce(date(2026, 2, 1), 1.5, CECategory.PATIENT_SAFETY),
        _ce(date(2026, 3, 1), 3, CECategory.GENERAL),
        _ce(date(2025, 6, 1), 1, CECategory.LAW),  # before the cycle (2 years): does not count
    ]
    status = ce_status(cert, entries, date(2026, 3, 4))
    assert status.cycle_start == date(2025, 6, 30)
    assert status.hours[CECategory.LAW] == 0
    assert status.total == 20.5
    assert status.missing == ["1 h of pharmacy law still needed"]
    assert not status.complete


def test_ce_status_counts_totals_and_technician_hours(world):
    cert = _cpht(world, date(2027, 6, 30))
    entries = [
        _ce(date(2026, 1, 10), 10, CECategory.TECHNICIAN),
        _ce(date(2026, 1, 11), 1, CECategory.LAW),
        _ce(date(2026, 1, 12), 1, CECategory.PATIENT_SAFETY),
    ]
    status = ce_status(cert, entries, date(2026, 3, 4))
    assert status.missing == [
        "5 h of technician-specific still needed",
        "8 h more in total still needed (12 h of 20 h logged)",
    ]
    entries.append(_ce(date(2026, 2, 1), 8, CECategory.TECHNICIAN))
    assert ce_status(cert, entries, date(2026, 3, 4)).complete


def test_a_certification_without_a_ce_rule_shows_expiry_only(world):
    cert = Certification(staff=world.trainee, name="BLS", expires=date(2026, 4, 1))
    status = ce_status(cert, [], date(2026, 3, 4))
    assert status.rule is None
    assert status.missing == []
    assert status.warning == "urgent"
    assert status.days_left == 28


@pytest.mark.parametrize(
    ("days", "warning"),
    [(-1, "expired"), (0, "urgent"), (30, "urgent"), (31, "soon"), (90, "soon"), (91, None)],
)
def test_certification_warnings_start_90_days_ahead_and_harden_at_30(days, warning):
    today = date(2026, 3, 4)
    assert cert_warning(today + timedelta(days=days), today) == warning
    assert cert_warning(None, today) is None


@pytest.mark.parametrize(
    ("days", "note"),
    [
        (-3, "No longer valid"),
        (-1, "No longer valid"),
        (0, "Valid until today"),
        (1, "Valid until Thu 5 Mar (in 1 day)"),
        (30, "Valid until Fri 3 Apr (in 30 days)"),
        (31, None),
    ],
)
def test_competency_valid_until_note_within_30_days(days, note):
    today = date(2026, 3, 4)
    assert skill_expiry_note(today + timedelta(days=days), today) == note
