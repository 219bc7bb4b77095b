"""What waits for each person: the home page's to-do list and the counts in the menu.

For a pharmacist-in-charge: rotas sent for approval. For a supervisor: this week's
and next week's drafts not yet sent for approval or published (or approved and ready
to publish). For both: leave requests waiting for a decision, trainees whose goal has
its supervised shifts done and who wait for a sign-off, and the set-up problems of
this week and next at their sites (the home site and the sites planned with it, or
every site for an account without a home site).

A rota counts only while it is the newest version of its week and the week has not
ended. The menu's count is the number of things to decide (the set-up problems are
listed apart: finding them means building the weeks, too slow for every page); it
takes a few COUNT-like queries whatever the number of staff. A technician's menu
counts the changes to their published shifts they have not yet seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from ..clock import site_today
from ..dates import monday_of
from ..extensions import db
from ..models import (
    AccountRole,
    AssignmentMode,
    DevelopmentGoal,
    GoalStatus,
    Leave,
    Rota,
    RotaAssignment,
    RotaStatus,
    Site,
    Staff,
    User,
    station_competencies,
)
from .fairness_history import published_only
from .me import today_for
from .rota_lookup import planned_with
from .rota_workflow import requires_approval
from .setup_check import week_faults
from .shift_changes import unseen_changes
from .staff import home_site_of, leave_words

WEEKS_CHECKED = 2  # this week and next
PIC, SUPERVISOR = AccountRole.PHARMACIST_IN_CHARGE, AccountRole.SUPERVISOR


@dataclass(frozen=True)
class ReadySignOff:
    """A trainee's goal whose supervised shifts are done: it waits for a sign-off."""

    goal: DevelopmentGoal
    done: int  # supervised shifts done in published rotas before today


@dataclass(frozen=True)
class LeaveToDecide:
    """A leave request waiting for a decision, with its words."""

    leave: Leave
    words: str  # "Ann's annual leave, Mon 2 Mar to Wed 4 Mar 2026"


@dataclass(frozen=True)
class DraftToFinish:
    """A week's newest version, still a draft: the supervisor's next step with it."""

    rota: Rota
    next_step: str  # 'ask the pharmacist-in-charge to approve it' | 'publish it'


@dataclass(frozen=True)
class WeekFaults:
    """A week's set-up problems at a site (or the group of sites planned together)."""

    site: Site
    sites: tuple[Site, ...]  # the site and those planned with it
    week_start: date
    faults: tuple[str, ...]


@dataclass(frozen=True)
class ToDo:
    """What waits for one account, to list on its home page."""

    approvals: tuple[Rota, ...]
    leave: tuple[LeaveToDecide, ...]
    sign_offs: tuple[ReadySignOff, ...]
    drafts: tuple[DraftToFinish, ...]
    faults: tuple[WeekFaults, ...]

    @property
    def count(self) -> int:
        """How many things wait for a decision (the number the menu shows)."""
        return len(self.approvals) + len(self.leave) + len(self.sign_offs) + len(self.drafts)


# ----- the queries ------------------------------------------------------------------------


def _newest_versions():
    """Each site week's highest version number, as a subquery."""
    return (
        db.select(Rota.site_id, Rota.week_start, func.max(Rota.version).label("version"))
        .group_by(Rota.site_id, Rota.week_start)
        .subquery()
    )


def _waiting_approval(today: date):
    """Newest versions of weeks not yet ended that were sent for approval and not approved."""
    newest = _newest_versions()
    return (
        db.select(Rota)
        .join(
            newest,
            (newest.c.site_id == Rota.site_id)
            & (newest.c.week_start == Rota.week_start)
            & (newest.c.version == Rota.version),
        )
        .where(
            Rota.status == RotaStatus.DRAFT,
            Rota.submitted_at.is_not(None),
            Rota.approved_at.is_(None),
            Rota.week_start > today - timedelta(days=7),
        )
    )


def _pending_leave(today: date):
    """Leave requests of active staff, not yet decided, that end today or later."""
    return (
        db.select(Leave)
        .join(Staff, Leave.staff_id == Staff.id)
        .where(Leave.approved.is_(False), Leave.end_date >= today, Staff.active.is_(True))
    )


def _count(query) -> int:
    """How many rows a query finds, counted by the database."""
    return db.session.scalar(db.select(func.count()).select_from(query.subquery())) or 0


def ready_sign_offs(user: User, today: date) -> list[ReadySignOff]:
    """Active goals of active people (not the account's own) whose supervised shifts are done.

    Shifts are counted as the goal pages count them: trainee shifts before today, in
    the latest published version of each week, at stations needing the competency.
    One line per person and competency.
    """
    done = published_only(
        db.select(
            RotaAssignment.staff_id.label("staff_id"),
            station_competencies.c.competency_id.label("competency_id"),
            func.count(RotaAssignment.id).label("done"),
        )
        .join(station_competencies, station_competencies.c.station_id == RotaAssignment.station_id)
        .where(RotaAssignment.mode == AssignmentMode.TRAINEE, RotaAssignment.on_date < today)
        .group_by(RotaAssignment.staff_id, station_competencies.c.competency_id)
    ).subquery()
    shifts = func.coalesce(done.c.done, 0)
    query = (
        db.select(DevelopmentGoal, shifts)
        .options(joinedload(DevelopmentGoal.staff), joinedload(DevelopmentGoal.competency))
        .join(Staff, DevelopmentGoal.staff_id == Staff.id)
        .outerjoin(
            done,
            (done.c.staff_id == DevelopmentGoal.staff_id)
            & (done.c.competency_id == DevelopmentGoal.competency_id),
        )
        .where(
            DevelopmentGoal.status == GoalStatus.ACTIVE,
            Staff.active.is_(True),
            shifts >= DevelopmentGoal.shifts_needed,
        )
        .order_by(Staff.name, DevelopmentGoal.id)
    )
    if user.staff_id is not None:  # nobody signs off their own competency
        query = query.where(DevelopmentGoal.staff_id != user.staff_id)
    lines: dict[tuple[int, int], ReadySignOff] = {}
    for goal, count in db.session.execute(query):
        lines.setdefault((goal.staff_id, goal.competency_id), ReadySignOff(goal, count))
    return list(lines.values())


def drafts_to_finish(sites: list[Site] | None = None) -> list[Rota]:
    """This week's and next week's newest versions, per site, that are drafts the supervisor
    has still to send for approval, or that are approved and wait to be published."""
    sites = sites if sites is not None else list(db.session.scalars(db.select(Site)))
    weeks = {
        site.id: {monday_of(site_today(site)) + timedelta(weeks=n) for n in range(WEEKS_CHECKED)}
        for site in sites
    }
    every_week = {week for site_weeks in weeks.values() for week in site_weeks}
    if not every_week:
        return []
    rotas = db.session.scalars(
        db.select(Rota)
        .options(joinedload(Rota.site))
        .where(Rota.site_id.in_(weeks), Rota.week_start.in_(every_week))
        .order_by(Rota.version)
    ).all()
    newest: dict[tuple[int, date], Rota] = {}
    for rota in rotas:  # ascending versions: the last one seen is the newest
        if rota.week_start in weeks[rota.site_id]:
            newest[(rota.site_id, rota.week_start)] = rota
    return sorted(
        (
            rota
            for rota in newest.values()
            if rota.status is RotaStatus.DRAFT
            and (rota.submitted_at is None or rota.approved_at is not None)
        ),
        key=lambda r: (r.week_start, r.site.name),
    )


def your_sites(user: User) -> list[Site]:
    """The sites whose set-up an account is told about: its home site and the sites planned
    with it, or every site when the account has no home site."""
    home = home_site_of(user)
    if home is not None:
        return planned_with(home)
    return list(db.session.scalars(db.select(Site).order_by(Site.name)))


def setup_faults(sites: list[Site]) -> list[WeekFaults]:
    """This week's and next week's set-up problems at the sites, once per group of sites."""
    out = []
    seen: set[tuple[frozenset[int], date]] = set()
    for site in sites:
        together = planned_with(site)
        key = frozenset(s.id for s in together)
        first_week = monday_of(site_today(site))
        for n in range(WEEKS_CHECKED):
            week = first_week + timedelta(weeks=n)
            if (key, week) in seen:
                continue
            seen.add((key, week))
            faults = week_faults(site, week)
            if faults:
                out.append(WeekFaults(site, tuple(together), week, tuple(faults)))
    return out


# ----- per account ------------------------------------------------------------------------


def to_do(user: User) -> ToDo:
    """Everything that waits for a pharmacist-in-charge or a supervisor, to list at home."""
    today = today_for(user.staff)
    approvals: tuple[Rota, ...] = ()
    drafts: tuple[DraftToFinish, ...] = ()
    if user.has_role(PIC):
        approvals = tuple(
            db.session.scalars(
                _waiting_approval(today)
                .options(joinedload(Rota.site))
                .order_by(Rota.week_start, Rota.site_id)
            )
        )
    if user.has_role(SUPERVISOR):
        drafts = tuple(
            DraftToFinish(
                rota,
                "publish it"
                if rota.approved_at is not None or not requires_approval(rota.site)
                else "ask the pharmacist-in-charge to approve it",
            )
            for rota in drafts_to_finish()
        )
    leave = tuple(
        LeaveToDecide(item, leave_words(item))
        for item in db.session.scalars(
            _pending_leave(today)
            .options(joinedload(Leave.staff), joinedload(Leave.shift_type))
            .order_by(Leave.start_date, Staff.name)
        )
    )
    return ToDo(
        approvals=approvals,
        leave=leave,
        sign_offs=tuple(ready_sign_offs(user, today)),
        drafts=drafts,
        faults=tuple(setup_faults(your_sites(user))),
    )


def waiting_count(user: User) -> int:
    """How many things wait for an account's decision: the number beside "Home" in the menu.

    The same things as :func:`to_do` lists, but the set-up problems, in a few queries.
    """
    if not user.has_role(PIC, SUPERVISOR):
        return 0
    today = today_for(user.staff)
    n = _count(_pending_leave(today)) + len(ready_sign_offs(user, today))
    if user.has_role(PIC):
        n += _count(_waiting_approval(today))
    else:
        n += len(drafts_to_finish())
    return n


def changes_count(user: User) -> int:
    """How many days of the account's published shifts changed since they last looked."""
    if user.staff is None:
        return 0
    return unseen_changes(user.staff).count
