"""A technician's own page: shifts, skills, goals, certifications, wishes.

Every route acts on the signed-in account's own staff record only; ids in URLs
that belong to someone else are answered with 404.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import navigation
from ..clock import site_today
from ..dates import monday_of
from ..filters import shift_times
from ..forms.me import (
    CEEntryForm,
    LeaveForm,
    SeenChangesForm,
    ShiftRequestForm,
    VolunteerForm,
    choices_with_blank,
)
from ..models import CECategory, Leave, LeaveKind, OfferKind, ShiftRequest, Staff, VolunteerOffer
from ..security import MANAGERS, TECHNICIAN, current_staff, roles_required
from ..services import me as svc
from ..services import shift_changes, todo
from ..services.development import ce_entries, certification_statuses, goals_of
from ..services.fairness_history import shared_work
from ..services.rota_lookup import planned_with
from ..services.uncovered import uncovered_by
from .confirm import confirm_uncovered, wants_change

bp = Blueprint("me", __name__, url_prefix="/me")
navigation.add(
    20,
    "me.index",
    "My week",
    ("technician", "pic"),
    navigation.Counter(todo.changes_count, "change to your shifts", "changes to your shifts"),
)

EVERYONE = (TECHNICIAN, *MANAGERS)
WISHES = {"leave": Leave, "requests": ShiftRequest, "offers": VolunteerOffer}


def _me() -> tuple[Staff, date]:
    """The signed-in person's staff record and today's date at their site (403 without one)."""
    staff = current_staff()
    return staff, site_today(staff.home_site)


def _own(kind: str, item_id: int):
    """One of my own wishes by kind and id, or 404 (also when it is someone else's)."""
    model = WISHES.get(kind)
    if model is None:
        abort(404)
    staff = current_staff()
    item = svc.own_item(model, item_id, staff)
    if item is None:
        abort(404)
    return item


def _shift_choices(staff: Staff, blank: str) -> list:
    """The shift types of a person's site as select choices, after a blank choice."""
    return choices_with_blank(
        blank,
        ((st.id, f"{st.name} ({shift_times(st)})") for st in staff.home_site.shift_types_in_use),
    )


@bp.get("/")
@roles_required(*EVERYONE)
def index():
    """My changed shifts, my shifts this week and next, shared work, skills, goals, certificates."""
    staff = current_user.staff
    if staff is None:
        return render_template("me/no_staff.html")
    today = site_today(staff.home_site)
    monday = monday_of(today)
    shifts = svc.my_shifts(staff, monday, monday + timedelta(weeks=2))
    weeks = [
        (week, [s for s in shifts if week <= s.on_date < week + timedelta(days=7)])
        for week in (monday, monday + timedelta(weeks=1))
    ]
    notice = shift_changes.unseen_changes(staff, today)
    newest = notice.newest
    return render_template(
        "me/index.html",
        staff=staff,
        today=today,
        notice=notice,
        seen_form=SeenChangesForm(shown=newest.isoformat() if newest else ""),
        weeks=weeks,
        skills=svc.my_skills(staff, today),
        goals=goals_of(staff.id, today),
        certs=certification_statuses(staff.id, today),
        shared=shared_work(staff, today),
    )


@bp.post("/changes/seen")
@roles_required(*EVERYONE)
def seen_changes():
    """I have seen the changes to my shifts: the notice goes until another change is published."""
    staff, today = _me()
    form = SeenChangesForm()
    try:
        shown = shift_changes.parse_shown(form.shown.data)
    except ValueError:
        flash("Your changed shifts could not be marked as seen; please try again.", "error")
        return redirect(url_for("me.index"))
    shift_changes.mark_seen(staff, shown)
    if shift_changes.unseen_changes(staff, today).count:
        flash("Another change to your shifts was published while the page was open.", "info")
    else:
        flash("Thank you. My week will tell you when your shifts change again.", "success")
    return redirect(url_for("me.index"))


@bp.route("/ce", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def ce():
    """Log continuing-education hours and see the log with the certification summary."""
    staff, today = _me()
    form = CEEntryForm(today=today, staff_id=staff.id)
    if form.validate_on_submit():
        svc.add_ce(
            staff,
            on_date=form.on_date.data,
            hours=float(form.hours.data),
            topic=form.topic.data.strip(),
            category=form.category.data,
        )
        category = CECategory(form.category.data).label.lower()
        flash(f"Logged {float(form.hours.data):g} h of {category}.", "success")
        return redirect(url_for("me.ce"))
    return render_template(
        "me/ce.html",
        form=form,
        entries=ce_entries(staff.id),
        certs=certification_statuses(staff.id, today),
        today=today,
    )


@bp.get("/wishes")
@roles_required(*EVERYONE)
def wishes():
    """My leave, shift requests and volunteer offers from this week on, with withdraw buttons."""
    staff, today = _me()
    return render_template(
        "me/wishes.html",
        wishes=svc.my_wishes(staff, today),
        can_withdraw=lambda item: svc.can_withdraw(item, today),
    )


@bp.route("/leave/new", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def new_leave():
    """Ask for leave; until a supervisor approves it, the solver treats it as a wish.

    Leave over the person's published shifts names them before it is sent.
    """
    staff, today = _me()
    form = LeaveForm(today=today, staff_id=staff.id)
    form.shift_type_id.choices = _shift_choices(staff, "Whole days")
    if form.validate_on_submit() and not wants_change():
        shifts = uncovered_by(
            staff, form.start_date.data, form.end_date.data, form.shift_type_id.data, pins=False
        )
        if shifts and form.confirm.data != "yes":
            return confirm_uncovered(
                heading="Request leave",
                warning="This leave covers shifts you are on the published rota for:",
                uncovered=shifts,
                form=form,
                save_label="Save anyway",
                cancel_url=url_for("me.wishes"),
                back_label="Leave, requests and offers, nothing sent",
                summary="Nothing is sent until you say so.",
                notes=[
                    "You are still expected to work them until a supervisor approves the "
                    "leave and re-plans the week."
                ],
            )
        svc.add_leave(
            staff,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            kind=LeaveKind(form.kind.data),
            shift_type_id=form.shift_type_id.data,
            note=form.note.data.strip(),
        )
        flash("Leave requested. It is pending until a supervisor approves it.", "success")
        return redirect(url_for("me.wishes"))
    form.confirm.data = ""  # shown again: the warning comes again for what is sent next
    return render_template(
        "me/form.html",
        form=form,
        title="Request leave",
        lede="Ask for days away. Pending leave is planned as a wish "
        "not to work; approved leave keeps you off the rota.",
    )


@bp.route("/requests/new", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def new_request():
    """Ask to work, or not to work, a shift or a whole day."""
    staff, today = _me()
    form = ShiftRequestForm(today=today, staff_id=staff.id)
    form.shift_type_id.choices = _shift_choices(staff, "Whole day")
    if form.validate_on_submit():
        svc.add_request(
            staff,
            on_date=form.on_date.data,
            shift_type_id=form.shift_type_id.data,
            want=form.want.data == "yes",
        )
        flash("Shift request sent; the next rota will try to honour it.", "success")
        return redirect(url_for("me.wishes"))
    return render_template(
        "me/form.html",
        form=form,
        title="Request a shift or a day off",
        lede="Say which shifts you would like, or would rather not, work.",
    )


@bp.route("/offers/new", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def new_offer():
    """Volunteer for a duty, training others, extra shifts or cross-training at a station."""
    staff, today = _me()
    home = staff.home_site
    stations = [
        (st, st.name if site.id == home.id else f"{st.name} ({site.name})")
        for site in planned_with(home)
        for st in site.stations_in_use
    ]
    duties = [(d, d.name) for d in sorted(home.duties_in_use, key=lambda d: d.name)]
    form = VolunteerForm(today=today, staff_id=staff.id, duties=duties, stations=stations)
    if form.validate_on_submit():
        kind = OfferKind(form.kind.data)
        svc.add_offer(
            staff,
            week_start=form.week,
            kind=kind,
            duty_id=form.duty_id.data if kind is OfferKind.DUTY else None,
            station_id=form.station_id.data if kind is OfferKind.STATION else None,
            count=form.count.data,
            note=form.note.data.strip(),
        )
        flash("Thank you: your offer is with the supervisor for the next rota.", "success")
        return redirect(url_for("me.wishes"))
    return render_template(
        "me/form.html",
        form=form,
        title="Volunteer",
        lede="Offer to take a duty, train others, work extra shifts or "
        "cross-train at a station in a week.",
    )


@bp.post("/<kind>/<int:item_id>/withdraw")
@roles_required(*EVERYONE)
def withdraw(kind: str, item_id: int):
    """Withdraw one of my own pending leave requests, shift requests or offers."""
    item = _own(kind, item_id)
    _staff, today = _me()
    if not svc.can_withdraw(item, today):
        flash("That can no longer be withdrawn; please ask your supervisor.", "error")
        return redirect(url_for("me.wishes"))
    svc.withdraw(item)
    flash("Withdrawn.", "success")
    return redirect(url_for("me.wishes"))
