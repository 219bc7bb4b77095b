"""The guide "Create your pharmacy": start it, leave it, and its one page of its own
(everyone's levels at once). The other steps are the set-up pages themselves
(scheduler/guide.py says which, and how the guide goes through them)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import guide
from ..forms.levels import levels_form
from ..security import SUPERVISOR, roles_required, safe_next
from ..services import levels as svc
from ..services import staff as staff_svc
from .staff import site_from_args

bp = Blueprint("guide", __name__, url_prefix="/start")
bp.add_app_template_global(guide.here, "guide_page")


@bp.post("/")
@roles_required(SUPERVISOR)
def start():
    """Start the guide for the account's site (or a new one): its first step still to do."""
    return redirect(guide.start(staff_svc.chosen_site(None, current_user)))


@bp.post("/leave")
@roles_required(SUPERVISOR)
def leave():
    """Leave the guide, staying on the page; the home page keeps the steps left to do."""
    guide.leave()
    flash("You left the guide. The home page lists what is left to set up.", "info")
    return redirect(safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/levels", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def levels():
    """Everyone's level in each competency the site needs, chosen in one grid."""
    site = site_from_args()
    if site is None:
        flash("Create the site first: its people and competencies come after.", "info")
        return redirect(url_for("setup.new_site"))
    people = svc.grid_people(site)
    competencies = svc.grid_competencies(site, people)
    form = levels_form(people, competencies, svc.held_levels(people))
    if people and competencies and form.validate_on_submit():
        changed = svc.save_levels(site, people, form.values())
        flash(
            f"Saved {changed} level{'s' if changed != 1 else ''} at {site.name}.",
            "success",
        )
        return guide.onward(redirect(url_for("guide.levels", site=site.id)))
    return render_template(
        "guide/levels.html",
        site=site,
        people=people,
        competencies=competencies,
        form=form,
    ), 422 if form.errors else 200
