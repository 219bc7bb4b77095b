"""The home page: every site and its weeks with their rota status."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..models import AccountRole
from ..services import first_run
from ..services.overview import site_overview
from ..services.planning import monday_of

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    """List the sites and the rota status of their weeks; technicians go to their own page."""
    if current_user.has_role(AccountRole.TECHNICIAN):
        return redirect(url_for("me.index"))
    today = date.today()
    sites = site_overview(today)
    steps = None
    if current_user.has_role(AccountRole.SUPERVISOR):  # a pharmacy not set up yet: its steps
        steps = first_run.unfinished(sites[0].site if sites else None)
    return render_template(
        "main/index.html",
        sites=sites,
        today=today,
        this_week=monday_of(today),
        setup_steps=steps,
    )
