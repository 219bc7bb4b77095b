"""The audit log page: who changed, published, signed off or overrode what, newest first.

Supervisors and pharmacists-in-charge read it, filtered by site, person, action
and date range; technicians get 403. Nothing here changes the log: it is
append-only (see :mod:`scheduler.models.audit`).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .. import navigation
from ..database import page_number
from ..extensions import db
from ..forms.audit import AuditFilterForm
from ..models import Site
from ..security import MANAGERS, roles_required
from ..services.audit import reading as svc
from ..services.audit.vocabulary import ACTIONS

bp = Blueprint("audit", __name__, url_prefix="/audit")
navigation.add(90, "audit.index", "Audit log", ("supervisor", "pic"))

PER_PAGE = 50
FILTERS = ("site", "person", "action", "start", "end")  # kept in the links to other pages


def _filter_form(sites: list[Site]) -> AuditFilterForm:
    """The filter form read from the query string, with its choices filled in."""
    form = AuditFilterForm(formdata=request.args)
    form.site.choices = [("", "Any site")] + [(str(s.id), s.name) for s in sites]
    form.person.choices = [("", "Anyone"), *svc.actor_choices()]
    form.action.choices = [("", "Any action"), *ACTIONS.items()]
    return form


@bp.get("/")
@roles_required(*MANAGERS)
def index():
    """The events that match the filters, newest first, a page at a time."""
    sites = db.session.scalars(db.select(Site).order_by(Site.name)).all()
    form = _filter_form(sites)
    valid = form.validate()
    chosen = (
        svc.EventFilter(
            site_id=int(form.site.data) if form.site.data else None,
            person=form.person.data or None,
            action=form.action.data or None,
            start=form.start.data,
            end=form.end.data,
        )
        if valid
        else None
    )
    page = None
    if chosen is not None:
        page = db.paginate(
            svc.events_query(chosen),
            page=request.args.get("page", 1, type=page_number),
            per_page=PER_PAGE,
            error_out=False,
        )
    kept = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    return render_template(
        "audit/index.html",
        form=form,
        page=page,
        kept=kept,
        rows=svc.event_rows(page.items, sites) if page is not None else [],
    ), 200 if valid else 400
