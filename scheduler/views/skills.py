"""Competencies and the skills matrix.

Supervisors create and edit competencies; a pharmacist-in-charge may read the
list and the matrix; technicians get 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for

from .. import guide, navigation
from ..extensions import db
from ..forms.skills import CompetencyForm
from ..forms.staff import options
from ..models import Competency
from ..security import MANAGERS, SUPERVISOR, roles_required
from ..services import skills as svc
from ..services.staff import today_at
from .staff import site_from_args, site_picker

bp = Blueprint("skills", __name__, url_prefix="/skills")
navigation.add(40, "skills.matrix", "Skills matrix", ("supervisor", "pic"))


def _competency_form(competency: Competency | None = None) -> CompetencyForm:
    """The competency form, its prerequisite choices leaving out the competency itself."""
    form = CompetencyForm(obj=competency, competency_id=competency.id if competency else None)
    others = [c for c in svc.all_competencies() if competency is None or c.id != competency.id]
    form.prerequisite_id.choices = options(
        ((c.id, f"{c.name} ({c.code})") for c in others), blank="None"
    )
    return form


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    """Every competency with its code, requalification interval and prerequisite."""
    return render_template(
        "skills/index.html", competencies=svc.all_competencies(), holders=svc.holders_count
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new():
    """Add a competency."""
    form = _competency_form()
    if form.validate_on_submit():
        competency = svc.save_competency(None, form.data)
        flash(f"Added the competency {competency.name} ({competency.code}).", "success")
        return guide.onward(redirect(url_for("skills.index")))
    return render_template("skills/form.html", form=form, competency=None)


@bp.route("/<int:competency_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit(competency_id: int):
    """Change a competency's name, code, requalification interval or prerequisite."""
    competency = db.get_or_404(Competency, competency_id)
    form = _competency_form(competency)
    if form.validate_on_submit():
        svc.save_competency(competency, form.data)
        flash(f"Saved the competency {competency.name}.", "success")
        return guide.onward(redirect(url_for("skills.index")))
    return render_template("skills/form.html", form=form, competency=competency)


@bp.get("/matrix")
@roles_required(*MANAGERS)
def matrix():
    """People down, competencies across: each person's level and its expiry at a glance."""
    site = site_from_args()
    today = today_at(site) if site else None
    return render_template(
        "skills/matrix.html",
        site=site,
        picker=site_picker(site),
        today=today,
        matrix=svc.skills_matrix(site, today) if site else None,
        abbreviations=svc.LEVEL_ABBREVIATIONS,
        warning_days=svc.SKILL_WARNING_DAYS,
    )
