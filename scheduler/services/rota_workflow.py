"""A rota's approval and locking workflow: send a draft for approval, approve it, publish it,
copy a version as the next draft, and refuse an edit from a page that showed an older state.

Every action checks the rota's state and the site's approval rule first and raises
:class:`RotaRefused` with the reason; an edit from an out-of-date page raises
:class:`RotaChanged` saying who changed what and when.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..filters import day_label
from ..models import Rota, RotaAssignment, RotaStatus, Site, User, utcnow
from ..models.rotas import RotaPolicy
from .accounts import active_approvers
from .rota_lookup import latest_rota, published_rota


class RotaRefused(Exception):
    """An action on a rota that its state or the rules do not allow; the message says why."""


NO_APPROVER = (
    "Not sent: no pharmacist-in-charge can sign in to approve it. Invite one on the "
    "Accounts page (or reactivate theirs), or turn off approval for this site."
)


# ----- whether a site's rotas need approval --------------------------------------------------


def requires_approval(site: Site) -> bool:
    """Whether the site's rotas need the pharmacist-in-charge's approval before publishing."""
    policy = db.session.scalar(db.select(RotaPolicy).where(RotaPolicy.site_id == site.id))
    if policy is not None:
        return policy.requires_approval
    return bool(current_app.config.get("ROTA_APPROVAL_REQUIRED", True))


def set_requires_approval(site: Site, required: bool) -> None:
    """Record whether the site's rotas need the pharmacist-in-charge's approval."""
    policy = db.session.scalar(db.select(RotaPolicy).where(RotaPolicy.site_id == site.id))
    if policy is None:
        policy = RotaPolicy(site=site)
        db.session.add(policy)
    policy.requires_approval = required
    db.session.commit()


# ----- overlapping edits ------------------------------------------------------------------
#
# Every page that edits a rota sends back the rota's ``lock_version`` as it showed it. An
# edit whose number is not the current one is refused before anything is saved; two edits
# that both pass that check at the same moment are told apart by the lock column itself
# (the second UPDATE matches no row), and the loser is rolled back and refused the same way.


class RotaChanged(RotaRefused):
    """An edit made on a page that showed an older state of the rota or week: not saved.

    ``headline`` says who changed what and when; the views add what the user tried.
    """

    def __init__(self, headline: str) -> None:
        super().__init__(f"{headline}; your change was not saved.")
        self.headline = headline

    @classmethod
    def for_missing_lock(cls) -> RotaChanged:
        """The refusal of an edit whose form did not say which state of the rota it showed."""
        return cls(
            "The page you sent this from did not say which state of the rota it showed "
            "(it may be older than the last update of this site)"
        )

    @classmethod
    def for_change_since(cls, rota: Rota, viewer: User | None = None) -> RotaChanged:
        """The refusal of an edit made on a page that showed an older state of ``rota``."""
        return cls(_headline(rota, "changed", viewer))

    @classmethod
    def for_newer_version(cls, latest: Rota, viewer: User | None = None) -> RotaChanged:
        """The refusal of an edit of a week made on a page that showed an older version of it;
        ``latest`` is the week's newest version."""
        return cls(_headline(latest, "made", viewer))


def _clock(moment: datetime, site: Site) -> str:
    """A stored UTC moment on the site's clock: '14:02 CST', with the day when not today."""
    zone = site.zone
    local = moment.astimezone(zone)
    text = f"{local:%H:%M %Z}"
    if local.date() != datetime.now(zone).date():
        text += f" on {day_label(local.date())}"
    return text


def last_change(rota: Rota) -> tuple[datetime, User | None]:
    """When a rota last changed and who changed it: its last edit, else its making.

    A version made by the solver names whoever asked for the solve; the user is None
    when no one can be named.
    """
    if rota.changed_at is not None:
        return rota.changed_at, rota.changed_by
    asked = next((run.requested_by_id for run in rota.solve_runs if run.requested_by_id), None)
    return rota.created_at, db.session.get(User, asked) if asked else None


def _headline(rota: Rota, verb: str, viewer: User | None) -> str:
    """'Sam changed version 2 of this week at 14:02 CST, after you opened this page'."""
    when, who = last_change(rota)
    what = f"version {rota.version} of this week"
    at = f" at {_clock(when, rota.site)}"
    if who is not None and viewer is not None and who.id == viewer.id:
        return (
            f"{what.capitalize()} was {verb}{at} from your account in another tab or "
            "window, after you opened this page"
        )
    return f"{who.name if who else 'Someone else'} {verb} {what}{at}, after you opened this page"


def check_lock(rota: Rota, lock: int | None, viewer: User | None = None) -> None:
    """Refuse an edit from a page that showed the rota at another ``lock`` (None: no check)."""
    if lock is not None and lock != rota.lock_version:
        raise RotaChanged.for_change_since(rota, viewer)


def check_latest(rota: Rota, viewer: User | None = None) -> None:
    """Refuse an edit of the week when a newer version than ``rota`` exists."""
    latest = latest_rota(rota.site_id, rota.week_start)
    if latest is not None and latest.id != rota.id:
        raise RotaChanged.for_newer_version(latest, viewer)


def touch(rota: Rota, by: User | None) -> None:
    """Note who changed the rota and when; the row's UPDATE also moves its lock on."""
    with db.session.no_autoflush:  # one UPDATE of the row per edit, not one per field
        rota.changed_at = utcnow()
        rota.changed_by_id = by.id if by is not None else None


@contextmanager
def saving(rota: Rota, by: User | None) -> Iterator[None]:
    """Touch the rota, run the edit in the block and commit it.

    An edit that a concurrent one beat to the row is rolled back and refused with
    :class:`RotaChanged`; an exception from the block leaves the session for the caller.
    """
    try:
        touch(rota, by)
        yield
        db.session.commit()
    except StaleDataError as exc:
        db.session.rollback()
        raise RotaChanged.for_change_since(rota, by) from exc


# ----- approval and publishing ------------------------------------------------------


def _latest_published_version(rota: Rota) -> int | None:
    current = published_rota(rota.site_id, rota.week_start)
    return current.version if current is not None else None


def submit_for_approval(rota: Rota, *, lock: int | None = None, by: User | None = None) -> None:
    """Ask the pharmacist-in-charge to approve a draft (shown at ``lock``)."""
    check_lock(rota, lock, by)
    if rota.status is not RotaStatus.DRAFT:
        raise RotaRefused("Only a draft can be sent for approval.")
    if active_approvers() == 0:
        raise RotaRefused(NO_APPROVER)
    with saving(rota, by):
        rota.submitted_at = utcnow()


def approve(rota: Rota, user: User, *, lock: int | None = None) -> None:
    """Record the pharmacist-in-charge's approval of a draft (shown at ``lock``)."""
    check_lock(rota, lock, user)
    if rota.status is not RotaStatus.DRAFT:
        raise RotaRefused("Only a draft can be approved.")
    if not rota.assignments:
        raise RotaRefused("An empty rota cannot be approved.")
    with saving(rota, user):
        rota.approved_by = user
        rota.approved_at = utcnow()
        rota.submitted_at = rota.submitted_at or rota.approved_at


def publish(rota: Rota, user: User, *, lock: int | None = None) -> None:
    """Publish a draft (shown at ``lock``): technicians see it; it is history for next week."""
    check_lock(rota, lock, user)
    if rota.status is not RotaStatus.DRAFT:
        raise RotaRefused(f"Version {rota.version} is already published.")
    if not rota.assignments:
        raise RotaRefused("An empty rota cannot be published.")
    newer = _latest_published_version(rota)
    if newer is not None and newer > rota.version:
        raise RotaRefused(
            f"Version {newer} of this week is already published; publish a newer version."
        )
    if requires_approval(rota.site) and rota.approved_at is None:
        raise RotaRefused(
            "This site needs the pharmacist-in-charge's approval before a rota is published."
        )
    with saving(rota, user):
        rota.status = RotaStatus.PUBLISHED
        rota.published_at = utcnow()
        rota.published_by = user


def new_draft_from(
    rota: Rota,
    *,
    lock: int | None = None,
    latest_seen: int | None = None,
    by: User | None = None,
) -> Rota:
    """Copy a version of the week as the next draft version, to change it by hand.

    A page that showed ``rota`` at ``lock`` and the week's newest version as
    ``latest_seen`` is refused when either moved on since (someone may have started
    the same draft); so is the slower of two copies made at the same moment.
    """
    check_lock(rota, lock, by)
    latest = latest_rota(rota.site_id, rota.week_start)
    if latest_seen is not None and latest.version != latest_seen:
        raise RotaChanged.for_newer_version(latest, by)
    draft = Rota(
        site_id=rota.site_id,
        week_start=rota.week_start,
        status=RotaStatus.DRAFT,
        version=latest.version + 1,
        objective=rota.objective,
        bound=rota.bound,
        level_bounds=rota.level_bounds,
        priorities=rota.priorities,
        solve_status=rota.solve_status,
        costs=list(rota.costs or []),
        reasons=list(rota.reasons or []),
        based_on_id=rota.id,
        changed_at=utcnow(),
        changed_by_id=by.id if by is not None else None,
        assignments=[
            RotaAssignment(
                staff_id=a.staff_id,
                on_date=a.on_date,
                shift_type_id=a.shift_type_id,
                station_id=a.station_id,
                duty_id=a.duty_id,
                mode=a.mode,
                trainer_id=a.trainer_id,
                pinned=a.pinned,
            )
            for a in rota.assignments
        ],
    )
    try:  # the draft joins the session here, so nothing flushes it before the commit
        db.session.add(draft)
        db.session.commit()
    except IntegrityError as exc:  # the same version number, taken a moment before
        db.session.rollback()
        raise RotaChanged.for_newer_version(latest_rota(rota.site_id, rota.week_start), by) from exc
    return draft
