"""Competencies and the skills matrix.

Supervisors create, edit, archive and restore competencies; a pharmacist-in-charge
may read the list and the matrix; technicians get 403.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from .. import guide, navigation
from ..clock import site_today
from ..extensions import db
from ..forms.skills import CompetencyForm
from ..forms.staff import options
from ..models import Competency
from ..security import MANAGERS, SUPERVISOR, roles_required
from ..services import archive
from ..services import skills as svc
from ..services.archive import ArchiveRefused
from ..services.setup import choices_with
from ..services.staff import chosen_site
from .setup import refused_page
from .staff import site_from_args, site_picker

bp = Blueprint("skills", __name__, url_prefix="/skills")
navigation.add(40, "skills.matrix", "Skills matrix", ("supervisor", "pic"))


def _competency_form(competency: Competency | None = None) -> CompetencyForm:
    """The competency form, its prerequisite choices (those in use, and the one it has)
    leaving out the competency itself."""
    form = CompetencyForm(obj=competency, competency_id=competency.id if competency else None)
    current = [competency.prerequisite] if competency and competency.prerequisite else []
    others = [
        c
        for c in choices_with(svc.all_competencies(), current)
        if competency is None or c.id != competency.id
    ]
    form.prerequisite_id.choices = options(
        ((c.id, f"{c.name} ({c.code})") for c in others), blank="None"
    )
    return form


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    """Every competency with its code, requalification interval and prerequisite."""
    return render_template(
        "skills/index.html",
        competencies=svc.all_competencies(),
        archived=archive.archived_competencies(),
        holders=svc.holders_count,
        zone=_zone(),
    )


def _zone() -> str:
    """The time zone the page says times in: the account's site's (competencies have none)."""
    site = chosen_site(None, current_user)
    return site.timezone if site is not None else "UTC"


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
    today = site_today(site) if site else None
    return render_template(
        "skills/matrix.html",
        site=site,
        picker=site_picker(site),
        today=today,
        matrix=svc.skills_matrix(site, today) if site else None,
        abbreviations=svc.LEVEL_ABBREVIATIONS,
        warning_days=svc.SKILL_WARNING_DAYS,
    )


def _archive_or_restore(competency: Competency, restoring: bool):
    """Archive or restore a competency, then back to the list; refused while it matters."""
    what = archive.describe(competency)
    try:
        changed = archive.restore(competency) if restoring else archive.archive(competency)
    except ArchiveRefused as refused:
        db.session.rollback()
        return refused_page(refused, url_for("skills.index"), "Competencies")
    if not changed:
        flash(f"Nothing to do: {what} was {'not' if restoring else 'already'} archived.", "info")
    elif restoring:
        flash(f"Restored {what}: the forms offer it again.", "success")
    else:
        flash(
            f"Archived {what}: it is gone from lists and forms; people's levels in it are kept. "
            "Restore it any time from Archived competencies.",
            "success",
        )
    return redirect(url_for("skills.index"))


@bp.post("/<int:competency_id>/archive")
@roles_required(SUPERVISOR)
def archive_competency(competency_id: int):
    """Archive a competency no station, duty or competency in use needs."""
    return _archive_or_restore(db.get_or_404(Competency, competency_id), restoring=False)


@bp.post("/<int:competency_id>/restore")
@roles_required(SUPERVISOR)
def restore_competency(competency_id: int):
    """Bring an archived competency back into lists and forms."""
    return _archive_or_restore(db.get_or_404(Competency, competency_id), restoring=True)
