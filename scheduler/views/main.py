"""The home page: what waits for the account, then every site and its weeks' rota status."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required

from .. import navigation
from ..clock import fixed_today
from ..dates import monday_of
from ..extensions import db
from ..forms.home import HomeSiteForm
from ..forms.staff import options
from ..models import AccountRole, Site
from ..security import MANAGERS, roles_required
from ..services import first_run, todo
from ..services import staff as staff_svc
from ..services.overview import site_overview

bp = Blueprint("main", __name__)
navigation.add(
    10,
    "main.index",
    "Home",
    ("supervisor", "pic"),
    navigation.Counter(todo.waiting_count, "thing waits for you", "things wait for you"),
)


def _with_sites(form: HomeSiteForm) -> HomeSiteForm:
    """The "Pages open on" form with every site to choose from."""
    form.site.choices = options((s.id, s.name) for s in staff_svc.all_sites())
    return form


def _render_home(form: HomeSiteForm, status: int = 200):
    """The home page with its to-do list, the home site form and the sites' weeks."""
    today = fixed_today() or date.today()
    steps = None
    if current_user.has_role(AccountRole.SUPERVISOR):  # a pharmacy not set up yet: its steps
        steps = first_run.unfinished(staff_svc.chosen_site(None, current_user))
    return render_template(
        "main/index.html",
        todo=todo.to_do(current_user),
        home_form=form,
        sites=site_overview(today),
        today=today,
        this_week=monday_of(today),
        setup_steps=steps,
    ), status


@bp.get("/")
@login_required
def index():
    """What waits for the account, then the sites and the rota status of their weeks;
    technicians go to their own page."""
    if current_user.has_role(AccountRole.TECHNICIAN):
        return redirect(url_for("me.index"))
    opens_on = staff_svc.chosen_site(None, current_user)
    form = HomeSiteForm(formdata=None, site=opens_on.id if opens_on else None)
    return _render_home(_with_sites(form))


@bp.post("/home-site")
@roles_required(*MANAGERS)
def home_site():
    """Choose the site the account's per-site pages open on."""
    form = _with_sites(HomeSiteForm())
    if form.validate_on_submit():
        site = db.session.get(Site, form.site.data)
        staff_svc.set_home_site(current_user, site)
        flash(f"Pages now open on {site.name}.", "success")
        return redirect(url_for("main.index"))
    return _render_home(form, 422)


@bp.get("/favicon.ico")
def favicon():
    """The app's icon where browsers look for it first, signed in or not (a day in caches)."""
    return send_from_directory(
        current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=86400
    )
