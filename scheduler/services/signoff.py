"""Signing off a trainee's competency: who may sign, which levels, and the record kept.

Who may sign off:

* a trainer: a technician account whose staff record holds the trainer level,
  valid today, in that competency; they may move someone up to *independent*
  (the level that lets the solver schedule them alone there), and they see
  trainees of their own site and the sites planned with it;
* a pharmacist-in-charge or supervisor: any level up to *trainer* (only they may
  make someone a trainer), for anyone;
* nobody signs off their own competency.

Every sign-off changes the person's level, validity and signer, appends a
:class:`SignOff` row for inspection, and marks active goals met once their
target level is reached.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..extensions import db
from ..models import (
    AccountRole,
    Competency,
    DevelopmentGoal,
    GoalStatus,
    SkillLevel,
    Staff,
    StaffCompetency,
    StaffRole,
    User,
    utcnow,
)
from ..models.people import LEVEL_ORDER, SignOff, level_rank
from .development import GoalProgress, goal_progress, trainee_shift_count
from .rota_lookup import planned_with

MANAGER_ROLES = (AccountRole.SUPERVISOR, AccountRole.PHARMACIST_IN_CHARGE)


class SignOffRefused(Exception):
    """The account may not sign off this person's competency; the message says why."""


def held(staff_id: int, competency_id: int) -> StaffCompetency | None:
    """A person's row for a competency, if they hold any level in it."""
    return db.session.scalar(
        db.select(StaffCompetency).where(
            StaffCompetency.staff_id == staff_id, StaffCompetency.competency_id == competency_id
        )
    )


def trainer_competency_ids(staff: Staff, today: date) -> set[int]:
    """Competencies in which a person may train and sign off today (trainer level, valid)."""
    if staff.role is StaffRole.TRAINEE:
        return set()
    return {
        sk.competency_id
        for sk in staff.skills
        if sk.level is SkillLevel.TRAINER and (sk.valid_until is None or sk.valid_until >= today)
    }


def highest_grant(user: User, trainee: Staff, competency: Competency, today: date) -> SkillLevel:
    """The highest level this account may sign the trainee off to, or raise SignOffRefused."""
    signer = user.staff
    if signer is not None and signer.id == trainee.id:
        raise SignOffRefused("Nobody may sign off their own competency.")
    if user.role in MANAGER_ROLES:
        return SkillLevel.TRAINER
    if signer is None:
        raise SignOffRefused("Your account is not linked to a staff record.")
    if competency.id not in trainer_competency_ids(signer, today):
        raise SignOffRefused(f"You need a valid trainer level in {competency.name} to sign it off.")
    if trainee.home_site_id not in {s.id for s in planned_with(signer.home_site)}:
        raise SignOffRefused(f"{trainee.name} works at a site you do not train for.")
    return SkillLevel.INDEPENDENT


def grantable_levels(
    user: User, trainee: Staff, competency: Competency, today: date
) -> list[SkillLevel]:
    """Levels above the trainee's current one, up to what this account may grant."""
    top = level_rank(highest_grant(user, trainee, competency, today))
    row = held(trainee.id, competency.id)
    current = level_rank(row.level if row is not None else None)
    return [lv for lv in LEVEL_ORDER if current < level_rank(lv) <= top]


def default_valid_until(competency: Competency, today: date) -> date | None:
    """Today plus the competency's requalification interval, or None when it has none."""
    if competency.requalify_days is None:
        return None
    return today + timedelta(days=competency.requalify_days)


def sign_off(
    user: User,
    trainee: Staff,
    competency: Competency,
    level: SkillLevel,
    valid_until: date | None,
    note: str,
    today: date,
) -> SignOff:
    """Move a trainee up to a level, record who signed it and when, and close goals now met."""
    allowed = grantable_levels(user, trainee, competency, today)
    level = SkillLevel(level)
    if level not in allowed:
        raise SignOffRefused(f"You may not sign off {trainee.name} to {level.value} here.")
    row = held(trainee.id, competency.id)
    before = row.level if row is not None else None
    if row is None:
        row = StaffCompetency(staff=trainee, competency=competency, level=level)
        db.session.add(row)
    now = utcnow()
    row.level = level
    row.valid_until = valid_until
    row.signed_off_by = user.staff
    row.signed_off_at = now
    signer = user.staff.name if user.staff is not None else user.name
    record = SignOff(
        staff=trainee,
        competency=competency,
        from_level=before,
        to_level=level,
        valid_until=valid_until,
        supervised_shifts=trainee_shift_count(trainee.id, competency.id, before=today),
        signed_by_staff=user.staff,
        signed_by_user=user,
        signer_name=f"{signer} ({user.role.label})",
        signed_at=now,
        note=note,
    )
    db.session.add(record)
    for goal in db.session.scalars(
        db.select(DevelopmentGoal).where(
            DevelopmentGoal.staff_id == trainee.id,
            DevelopmentGoal.competency_id == competency.id,
            DevelopmentGoal.status == GoalStatus.ACTIVE,
        )
    ):
        if level_rank(goal.target_level) <= level_rank(level):
            goal.status = GoalStatus.MET
    db.session.commit()
    return record


# ----- who is in training ------------------------------------------------------


@dataclass(frozen=True)
class TraineeLine:
    """A person learning a competency: their level, their goal's progress if any."""

    staff: Staff
    competency: Competency
    level: str | None
    progress: GoalProgress | None
    supervised_done: int


def trainees_for(user: User, today: date) -> list[TraineeLine]:
    """People this account may sign off, with each competency they are working toward.

    A line is an active development goal, or a competency held below the
    independent level without a goal.
    """
    manager = user.role in MANAGER_ROLES
    signer = user.staff
    if manager:
        comp_ids = None
        site_ids = None
    else:
        if signer is None:
            return []
        comp_ids = trainer_competency_ids(signer, today)
        if not comp_ids:
            return []
        site_ids = {s.id for s in planned_with(signer.home_site)}

    def wanted(staff: Staff, competency_id: int) -> bool:
        if signer is not None and staff.id == signer.id:
            return False
        if not staff.active:
            return False
        if site_ids is not None and staff.home_site_id not in site_ids:
            return False
        return comp_ids is None or competency_id in comp_ids

    lines: list[TraineeLine] = []
    seen: set[tuple[int, int]] = set()
    goals = db.session.scalars(
        db.select(DevelopmentGoal)
        .where(DevelopmentGoal.status == GoalStatus.ACTIVE)
        .order_by(DevelopmentGoal.deadline.is_(None), DevelopmentGoal.deadline)
    )
    for goal in goals:
        key = (goal.staff_id, goal.competency_id)
        if not wanted(goal.staff, goal.competency_id) or key in seen:
            continue
        seen.add(key)
        progress = goal_progress(goal, today)
        lines.append(
            TraineeLine(
                goal.staff, goal.competency, progress.current_level, progress, progress.done
            )
        )
    below = db.session.scalars(
        db.select(StaffCompetency).where(
            StaffCompetency.level.in_([SkillLevel.OBSERVE, SkillLevel.SUPERVISED])
        )
    )
    for sk in sorted(below, key=lambda s: (s.staff.name, s.competency.name)):
        if not wanted(sk.staff, sk.competency_id) or (sk.staff_id, sk.competency_id) in seen:
            continue
        seen.add((sk.staff_id, sk.competency_id))
        done = trainee_shift_count(sk.staff_id, sk.competency_id, before=today)
        lines.append(TraineeLine(sk.staff, sk.competency, sk.level.value, None, done))
    return lines


def may_see_history(user: User) -> bool:
    """Whether an account may read the sign-off history (pharmacist-in-charge or supervisor)."""
    return user.role in MANAGER_ROLES


def history_query(staff_id: int | None = None):
    """The sign-off records, newest first, optionally of one person (a select for paginate)."""
    query = db.select(SignOff).order_by(SignOff.signed_at.desc(), SignOff.id.desc())
    if staff_id is not None:
        query = query.where(SignOff.staff_id == staff_id)
    return query
