"""The home page: every site and its weeks with their rota status."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required

from ..models import AccountRole
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
    return render_template(
        "main/index.html", sites=site_overview(today), today=today, this_week=monday_of(today)
    )


@bp.get("/favicon.ico")
def favicon():
    """The app's icon where browsers look for it first, signed in or not (a day in caches)."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=86400
    )
