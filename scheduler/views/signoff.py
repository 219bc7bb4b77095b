"""Trainers and pharmacists-in-charge sign off competencies.

A trainer (a technician holding the trainer level in a competency) may sign a
trainee off up to *independent*; a pharmacist-in-charge or supervisor may also
make someone a *trainer*. Nobody signs off themselves. The history of
sign-offs, kept for inspection, is for pharmacists-in-charge and supervisors.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import navigation
from ..clock import site_today
from ..database import database_int, page_number
from ..extensions import db
from ..forms.signoff import SignOffForm
from ..models import Competency, SkillLevel, Staff
from ..security import MANAGERS, TECHNICIAN, roles_required
from ..services import signoff as svc
from ..services.development import goals_of, trainee_shift_count
from ..services.me import today_for

bp = Blueprint("signoff", __name__, url_prefix="/signoff")
navigation.add(60, "signoff.index", "Sign-off", ("technician", "pic", "supervisor"))

EVERYONE = (TECHNICIAN, *MANAGERS)
HISTORY_PER_PAGE = 50


def _target(staff_id: int, competency_id: int) -> tuple[Staff, Competency]:
    """The trainee and competency of a sign-off, 404 when either is unknown."""
    return db.get_or_404(Staff, staff_id), db.get_or_404(Competency, competency_id)


@bp.get("/")
@roles_required(*EVERYONE)
def index():
    """The people this account may sign off, with their supervised-shift progress."""
    today = today_for(current_user.staff)
    return render_template(
        "signoff/index.html",
        lines=svc.trainees_for(current_user, today),
        manager=svc.may_see_history(current_user),
        today=today,
    )


@bp.route("/<int:staff_id>/<int:competency_id>", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def sign(staff_id: int, competency_id: int):
    """Show the sign-off form for a trainee's competency; on POST raise the level, record it."""
    trainee, competency = _target(staff_id, competency_id)
    today = site_today(trainee.home_site)
    try:
        levels = svc.grantable_levels(current_user, trainee, competency, today)
    except svc.SignOffRefused as refused:
        abort(403, description=str(refused))
    held = svc.held(trainee.id, competency.id)
    form = SignOffForm(levels=levels, today=today)
    if request.method == "GET":
        form.valid_until.data = svc.default_valid_until(competency, today)
        if levels:
            form.level.data = levels[0].value
    if levels and form.validate_on_submit():
        try:
            record = svc.sign_off(
                current_user,
                trainee,
                competency,
                SkillLevel(form.level.data),
                form.valid_until.data,
                form.note.data.strip(),
                today,
            )
        except svc.SignOffRefused as refused:
            form.level.errors.append(str(refused))
        else:
            flash(
                f"Signed off {trainee.name} in {competency.name}: "
                f"{record.to_level.value} (recorded by {record.signer_name}).",
                "success",
            )
            return redirect(url_for("signoff.index"))
    goals = [p for p in goals_of(trainee.id, today) if p.goal.competency_id == competency.id]
    return render_template(
        "signoff/sign.html",
        form=form,
        trainee=trainee,
        competency=competency,
        held=held,
        levels=levels,
        goals=goals,
        done=trainee_shift_count(trainee.id, competency.id, before=today),
        today=today,
    )


@bp.get("/history")
@roles_required(*MANAGERS)
def history():
    """Every sign-off, newest first (who, when, from, to), for inspection."""
    staff_id = request.args.get("staff", type=database_int)
    person = db.get_or_404(Staff, staff_id) if staff_id is not None else None
    page = db.paginate(
        svc.history_query(staff_id),
        page=request.args.get("page", 1, type=page_number),
        per_page=HISTORY_PER_PAGE,
        error_out=False,
    )
    return render_template("signoff/history.html", page=page, person=person)
