"""Staff, their skills, certifications, leave and offers (supervisor).

Supervisors do everything here. A pharmacist-in-charge may read the staff list
and a person's page, and may decide on leave (approve, refuse, record a sick
call), as PICs often do when the supervisor is away. Technicians get 403 on
every route: their own leave and wishes live under /me.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import dates, guide, navigation
from ..clock import site_today
from ..database import database_int
from ..dates import monday_of
from ..extensions import db
from ..filters import at_site, day, shift_times
from ..forms.rotas import SolveForm
from ..forms.staff import (
    CertificationForm,
    LeaveRecordForm,
    PersonForm,
    SiteChoiceForm,
    SkillForm,
    WeekChoiceForm,
    options,
    person_form_data,
)
from ..models import (
    Certification,
    Competency,
    Leave,
    LeaveKind,
    ShiftType,
    Site,
    SkillLevel,
    Staff,
    StaffCompetency,
)
from ..security import MANAGERS, SUPERVISOR, roles_required
from ..services import staff as svc
from ..services.fairness_history import shared_work
from ..services.signoff import default_valid_until
from ..services.uncovered import uncovered_by, weeks_to_replan
from .confirm import confirm_uncovered, wants_change

bp = Blueprint("staff", __name__, url_prefix="/staff")
navigation.add(30, "staff.index", "Staff", ("supervisor", "pic"))
navigation.add(35, "staff.leave", "Leave and wishes", ("supervisor", "pic"))


# ----- lookups -------------------------------------------------------------------


def site_from_args() -> Site | None:
    """The site named by ``?site=`` (404 when unknown); without one, the account's home site
    (its own choice or its staff record's), else the first site; None when there is no site."""
    site_id = request.args.get("site", type=database_int)
    if "site" in request.args and site_id is None:
        abort(404)
    site = svc.chosen_site(site_id, current_user)
    if site_id is not None and site is None:
        abort(404)
    return site


def site_picker(site: Site | None, form_class=SiteChoiceForm, **data):
    """The site chooser shown above a per-site list."""
    form = form_class(formdata=None, site=site.id if site else None, **data)
    form.site.choices = options((s.id, s.name) for s in svc.all_sites())
    return form


def _skill(person: Staff, skill_id: int) -> StaffCompetency:
    """One of a person's competency levels, or 404."""
    skill = db.get_or_404(StaffCompetency, skill_id)
    if skill.staff_id != person.id:
        abort(404)
    return skill


def _certification(person: Staff, cert_id: int) -> Certification:
    """One of a person's certifications, or 404."""
    cert = db.get_or_404(Certification, cert_id)
    if cert.staff_id != person.id:
        abort(404)
    return cert


def _person_form(person: Staff | None = None, site: Site | None = None) -> PersonForm:
    """The person form with the site choices filled in (and the record, when editing)."""
    if person is not None:
        form = PersonForm(data=person_form_data(person))
    else:
        form = PersonForm(
            data={
                "home_site_id": site.id if site else None,
                "active": True,
                "min_hours": 0,
                "max_hours": 40,
                "max_consecutive_days": 5,
                "min_consecutive_days": 1,
                "min_consecutive_days_off": 1,
                "max_weekends_per_4_weeks": 2,
                "min_rest_hours": 10,
                "max_trainees": 1,
            }
        )
    form.home_site_id.choices = options((s.id, s.name) for s in svc.all_sites())
    return form


def _skill_form(person: Staff, skill: StaffCompetency | None = None) -> SkillForm:
    """The skill form: a competency to choose when adding, none when editing.

    Its "valid until" may not come before the sign-off: the trainer's sign-off of the
    level kept, else today at the person's home site (this save records the level).
    """
    today = site_today(person.home_site)
    signed_off, words = today, f"recorded today, {day(today)} ({person.home_site.timezone})"
    if skill is not None and skill.signed_off_at is not None:
        when = at_site(skill.signed_off_at, person.home_site).date()
        signed_off, words = when, f"signed off on {day(when)}"
    if skill is None:
        form = SkillForm(signed_off=signed_off, signed_off_words=words)
        form.competency_id.choices = options(
            ((c.id, f"{c.name} ({c.code})") for c in svc.competencies_not_held(person)),
            blank="Choose a competency",
        )
    else:
        form = SkillForm(
            data={"level": skill.level.value, "valid_until": skill.valid_until},
            signed_off=signed_off,
            signed_off_words=words,
        )
        del form.competency_id
    return form


# ----- people --------------------------------------------------------------------


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    """The staff of a site with their role, certification and contract; archived people
    only when asked for (``?archived=1``), in a list of their own."""
    site = site_from_args()
    people = svc.site_staff(site.id, active_only=True) if site else []
    archived = svc.archived_staff(site.id) if site else []
    return render_template(
        "staff/index.html",
        site=site,
        picker=site_picker(site),
        people=people,
        archived=archived,
        show_archived=request.args.get("archived") == "1",
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new():
    """Add a member of staff with their contract."""
    site = site_from_args()
    form = _person_form(site=site)
    if form.validate_on_submit():
        person = svc.save_person(None, form.values())
        flash(f"Added {person.name}.", "success")
        return guide.onward(redirect(url_for("staff.person", staff_id=person.id)))
    return render_template("staff/form.html", form=form, person=None, site=site)


@bp.get("/<int:staff_id>")
@roles_required(*MANAGERS)
def person(staff_id: int):
    """A person's record: contract, shared work, competency levels, certifications and CE log."""
    person = db.get_or_404(Staff, staff_id)
    today = site_today(person.home_site)
    return render_template(
        "staff/person.html",
        person=person,
        today=today,
        skills=svc.skills_of(person),
        certs=svc.certifications_of(person),
        ce=svc.ce_log(person),
        has_history=svc.has_rota_history(person),
        shared=shared_work(person, today),
    )


@bp.route("/<int:staff_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit(staff_id: int):
    """Change a person's details or contract."""
    person = db.get_or_404(Staff, staff_id)
    form = _person_form(person)
    if form.validate_on_submit():
        svc.save_person(person, form.values())
        flash(f"Saved {person.name}'s details and contract.", "success")
        return redirect(url_for("staff.person", staff_id=person.id))
    return render_template("staff/form.html", form=form, person=person, site=person.home_site)


@bp.post("/<int:staff_id>/deactivate")
@roles_required(SUPERVISOR)
def deactivate(staff_id: int):
    """Archive a person: gone from the staff list, pickers and new rotas; record and rota
    history kept."""
    person = db.get_or_404(Staff, staff_id)
    svc.set_active(person, False)
    flash(
        f"Archived {person.name}: gone from the staff list, pickers and new rotas. "
        "Their record and rota history are kept; restore them any time.",
        "success",
    )
    return redirect(url_for("staff.person", staff_id=person.id))


@bp.post("/<int:staff_id>/activate")
@roles_required(SUPERVISOR)
def activate(staff_id: int):
    """Restore an archived person: on the staff list and planned in new rotas again."""
    person = db.get_or_404(Staff, staff_id)
    svc.set_active(person, True)
    flash(f"Restored {person.name}: on the staff list and planned in new rotas again.", "success")
    return redirect(url_for("staff.person", staff_id=person.id))


# ----- skills and certifications ------------------------------------------------------


@bp.route("/<int:staff_id>/skills/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new_skill(staff_id: int):
    """Record a person's level in a competency they hold no level in yet."""
    person = db.get_or_404(Staff, staff_id)
    form = _skill_form(person)
    if form.validate_on_submit():
        competency = db.get_or_404(Competency, form.competency_id.data)
        until = form.valid_until.data or default_valid_until(
            competency, site_today(person.home_site)
        )
        svc.record_skill(person, competency, SkillLevel(form.level.data), until)
        flash(
            f"Recorded {person.name}: {competency.name}, "
            f"{SkillLevel(form.level.data).label.lower()}.",
            "success",
        )
        return redirect(url_for("staff.person", staff_id=person.id))
    return render_template(
        "staff/item_form.html",
        form=form,
        person=person,
        title=f"Add a competency for {person.name}",
    )


@bp.route("/<int:staff_id>/skills/<int:skill_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit_skill(staff_id: int, skill_id: int):
    """Change a person's level or its valid-until day in one competency."""
    person = db.get_or_404(Staff, staff_id)
    skill = _skill(person, skill_id)
    form = _skill_form(person, skill)
    if form.validate_on_submit():
        svc.record_skill(
            person,
            skill.competency,
            SkillLevel(form.level.data),
            form.valid_until.data,
            skill=skill,
        )
        flash(f"Saved {person.name}'s level in {skill.competency.name}.", "success")
        return redirect(url_for("staff.person", staff_id=person.id))
    return render_template(
        "staff/item_form.html",
        form=form,
        person=person,
        title=f"{person.name}: {skill.competency.name}",
    )


@bp.post("/<int:staff_id>/skills/<int:skill_id>/remove")
@roles_required(SUPERVISOR)
def remove_skill(staff_id: int, skill_id: int):
    """Remove a competency level recorded by mistake."""
    person = db.get_or_404(Staff, staff_id)
    skill = _skill(person, skill_id)
    name = skill.competency.name
    svc.remove_skill(skill)
    flash(f"Removed {person.name}'s level in {name}.", "success")
    return redirect(url_for("staff.person", staff_id=person.id))


@bp.route("/<int:staff_id>/certifications/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new_certification(staff_id: int):
    """Add a certification to a person's record."""
    person = db.get_or_404(Staff, staff_id)
    form = CertificationForm(staff_id=person.id)
    if form.validate_on_submit():
        cert = svc.save_certification(person, form.data)
        flash(f"Added {person.name}'s {cert.name} certification.", "success")
        return redirect(url_for("staff.person", staff_id=person.id))
    return render_template(
        "staff/item_form.html",
        form=form,
        person=person,
        title=f"Add a certification for {person.name}",
    )


@bp.route("/<int:staff_id>/certifications/<int:cert_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit_certification(staff_id: int, cert_id: int):
    """Change a certification's number or dates."""
    person = db.get_or_404(Staff, staff_id)
    cert = _certification(person, cert_id)
    form = CertificationForm(obj=cert, staff_id=person.id, cert_id=cert.id)
    if form.validate_on_submit():
        svc.save_certification(person, form.data, cert)
        flash(f"Saved {person.name}'s {cert.name} certification.", "success")
        return redirect(url_for("staff.person", staff_id=person.id))
    return render_template(
        "staff/item_form.html", form=form, person=person, title=f"{person.name}: {cert.name}"
    )


@bp.post("/<int:staff_id>/certifications/<int:cert_id>/delete")
@roles_required(SUPERVISOR)
def delete_certification(staff_id: int, cert_id: int):
    """Delete a certification from a person's record."""
    person = db.get_or_404(Staff, staff_id)
    cert = _certification(person, cert_id)
    name = cert.name
    svc.delete_certification(cert)
    flash(f"Deleted {person.name}'s {name} certification.", "success")
    return redirect(url_for("staff.person", staff_id=person.id))


# ----- leave ----------------------------------------------------------------------


@bp.get("/leave")
@roles_required(*MANAGERS)
def leave():
    """A site's leave requests awaiting a decision and its approved leave ahead.

    After leave that uncovers shifts was saved (``?uncovered=<leave id>``), the page
    names those shifts and offers to re-plan each week they fall in.
    """
    site = site_from_args()
    today = site_today(site) if site else date.today()
    saved, shifts = _uncovered_by_saved(site)
    return render_template(
        "staff/leave.html",
        site=site,
        picker=site_picker(site),
        today=today,
        leave=svc.site_leave(site, today) if site else None,
        saved=saved,
        uncovered=shifts,
        replan=weeks_to_replan(shifts),
        solve_form=SolveForm(formdata=None),
    )


def _uncovered_by_saved(site: Site | None) -> tuple[Leave | None, list]:
    """The approved leave of the site named by ``?uncovered=`` and the shifts it uncovers."""
    leave_id = request.args.get("uncovered", type=database_int)
    item = db.session.get(Leave, leave_id) if leave_id is not None else None
    if site is None or item is None or not item.approved or item.staff.home_site_id != site.id:
        return None, []
    shifts = uncovered_by(item.staff, item.start_date, item.end_date, item.shift_type_id)
    return (item, shifts) if shifts else (None, [])


def _leave_back(item: Leave, uncovered: bool = False):
    """Back to the leave list of the person's site (naming what the leave uncovers, if asked)."""
    extra = {"uncovered": item.id} if uncovered else {}
    return redirect(url_for("staff.leave", site=item.staff.home_site_id, **extra))


def _pins_note(shifts) -> list[str]:
    """A line for the confirm step when pinned shifts are among those uncovered."""
    if not any(s.pinned for s in shifts):
        return []
    return [
        "A re-plan keeps every pin: when it meets one of these it stops, names it and "
        "offers to drop it."
    ]


@bp.post("/leave/<int:leave_id>/approve")
@roles_required(*MANAGERS)
def approve_leave(leave_id: int):
    """Approve a leave request: the next solve keeps the person off the rota those days.

    Leave over published or pinned shifts is approved only once confirmed, after the
    shifts it uncovers are listed.
    """
    item = db.get_or_404(Leave, leave_id)
    if item.approved:
        flash("That leave was already approved.", "info")
        return _leave_back(item)
    shifts = uncovered_by(item.staff, item.start_date, item.end_date, item.shift_type_id)
    if shifts and request.form.get("confirm") != "yes":
        return confirm_uncovered(
            heading="Approve leave",
            warning="Approving this leave uncovers:",
            uncovered=shifts,
            form=None,
            save_label="Approve anyway",
            cancel_url=url_for("staff.leave", site=item.staff.home_site_id),
            back_label="Leave, nothing approved",
            summary=f"Approve {svc.leave_words(item)}? Nothing is approved until you say so.",
            notes=_pins_note(shifts),
        )
    svc.approve_leave(item)
    flash(f"Approved {svc.leave_words(item)}.", "success")
    return _leave_back(item, uncovered=bool(shifts))


@bp.post("/leave/<int:leave_id>/refuse")
@roles_required(*MANAGERS)
def refuse_leave(leave_id: int):
    """Refuse a pending leave request: it is removed, so it is no longer planned as a wish."""
    item = db.get_or_404(Leave, leave_id)
    back = _leave_back(item)
    if item.approved:
        flash("That leave is already approved; cancel it instead if it no longer stands.", "error")
        return back
    words = svc.remove_leave(item)
    flash(f"Refused and removed {words}. Please let them know.", "success")
    return back


@bp.post("/leave/<int:leave_id>/cancel")
@roles_required(*MANAGERS)
def cancel_leave(leave_id: int):
    """Cancel approved leave that no longer stands (the person is available again)."""
    item = db.get_or_404(Leave, leave_id)
    back = _leave_back(item)
    words = svc.remove_leave(item)
    flash(f"Cancelled {words}. Re-plan affected weeks if needed.", "success")
    return back


@bp.route("/leave/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def new_leave():
    """Record leave for someone at a site, e.g. a sick call (approved unless unticked)."""
    site = site_from_args()
    if site is None:
        abort(404)
    form = LeaveRecordForm()
    form.staff_id.choices = options(
        ((p.id, p.name) for p in svc.site_staff(site.id, active_only=True)),
        blank="Choose the person",
    )
    form.shift_type_id.choices = options(
        ((st.id, f"{st.name} ({shift_times(st)})") for st in site.shift_types_in_use),
        blank="Whole days",
    )
    if form.validate_on_submit() and not wants_change():
        person = db.get_or_404(Staff, form.staff_id.data)
        shifts = (
            uncovered_by(person, form.start_date.data, form.end_date.data, form.shift_type_id.data)
            if form.approved.data
            else []  # pending leave is a wish: it uncovers nothing yet
        )
        if shifts and form.confirm.data != "yes":
            shift = db.session.get(ShiftType, form.shift_type_id.data or 0)
            words = svc.leave_words_of(
                person.name,
                LeaveKind(form.kind.data),
                form.start_date.data,
                form.end_date.data,
                shift.name if shift is not None else None,
            )
            return confirm_uncovered(
                heading=f"Record leave at {site.name}",
                warning="Saving this leave uncovers:",
                uncovered=shifts,
                form=form,
                save_label="Save anyway",
                cancel_url=url_for("staff.leave", site=site.id),
                back_label=f"Leave at {site.name}, nothing saved",
                summary=f"{words}, approved. Nothing is saved until you say so.",
                notes=_pins_note(shifts),
            )
        item = svc.record_leave(person, form.data)
        state = "approved" if item.approved else "pending"
        flash(f"Recorded {svc.leave_words(item)} ({state}).", "success")
        return _leave_back(item, uncovered=bool(shifts))
    form.confirm.data = ""  # shown again: the warning comes again for what is sent next
    return render_template("staff/leave_form.html", form=form, site=site)


# ----- offers and wishes ------------------------------------------------------------


@bp.get("/wishes")
@roles_required(*MANAGERS)
def wishes():
    """What a site's staff volunteered for and asked for in a week, before generating its rota."""
    site = site_from_args()
    today = site_today(site) if site else date.today()
    week = request.args.get("week", default="")
    try:
        chosen = date.fromisoformat(week) if week else today + timedelta(days=7)
    except ValueError:
        abort(404)
    monday = monday_of(chosen)
    if not dates.week_in_range(monday):
        abort(404, description=dates.WEEK_MESSAGE)
    return render_template(
        "staff/wishes.html",
        site=site,
        picker=site_picker(site, WeekChoiceForm, week=monday),
        week=monday,
        days=[monday + timedelta(days=i) for i in range(7)],
        prev_week=dates.neighbour_week(monday, -1),
        next_week=dates.neighbour_week(monday, 1),
        wishes=svc.week_wishes(site, monday) if site else None,
    )
