"""Shifts in a calendar app: a secret link to subscribe to, and a one-off .ics download.

The page and its buttons act on the signed-in account's own staff record only.
The feed itself needs no sign-in (calendar apps cannot sign in): its token is
the key, and a wrong or turned-off token is answered with 404.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user

from ..clock import site_today
from ..security import MANAGERS, TECHNICIAN, current_staff, roles_required
from ..services import calendar as svc

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

EVERYONE = (TECHNICIAN, *MANAGERS)
NEW_TOKEN = "calendar_new_token"  # session key: a new token, shown once on the next page
ICS = "text/calendar; charset=utf-8"


def feed_urls(token: str) -> dict[str, str]:
    """A token's subscribe addresses: the web one and the webcal:// one calendar apps open."""
    web = url_for("calendar.feed", token=token, _external=True)
    return {"web": web, "webcal": "webcal://" + web.split("://", 1)[1]}


def _ics(body: bytes, filename: str | None = None) -> Response:
    """An iCalendar response; with a file name, one the browser saves."""
    response = Response(body, content_type=ICS)
    response.headers["Cache-Control"] = "private, no-store"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/")
@roles_required(*EVERYONE)
def index():
    """My calendar link (shown once when new), with make-new and turn-off buttons and a download."""
    staff = current_user.staff
    if staff is None:
        return render_template("calendar/no_staff.html")
    feed = svc.feed_of(staff)
    token = session.pop(NEW_TOKEN, None)
    urls = feed_urls(token) if svc.is_current(feed, token) else None
    page = make_response(
        render_template(
            "calendar/index.html",
            staff=staff,
            feed=feed,
            urls=urls,
            weeks_back=svc.WEEKS_BACK,
            weeks_ahead=svc.WEEKS_AHEAD,
        )
    )
    page.headers["Cache-Control"] = "no-store"  # a new link is on this page only once
    return page


@bp.post("/reset")
@roles_required(*EVERYONE)
def reset():
    """Make my calendar link, or a new one in place of the old, which stops working at once."""
    staff = current_staff()
    had_link = (feed := svc.feed_of(staff)) is not None and feed.active
    session[NEW_TOKEN] = svc.issue_token(staff)
    if had_link:
        flash("New calendar link made. The old link no longer works.", "success")
    else:
        flash("Calendar link made.", "success")
    return redirect(url_for("calendar.index"))


@bp.post("/revoke")
@roles_required(*EVERYONE)
def revoke():
    """Turn my calendar link off: calendars subscribed to it stop getting my shifts."""
    staff = current_staff()
    session.pop(NEW_TOKEN, None)
    if svc.revoke(staff):
        flash("Calendar link turned off. Calendars that use it will stop updating.", "success")
    else:
        flash("There was no calendar link to turn off.", "info")
    return redirect(url_for("calendar.index"))


@bp.get("/download.ics")
@roles_required(*EVERYONE)
def download():
    """My published shifts as an .ics file to import once (it does not update itself)."""
    staff = current_staff()
    today = site_today(staff.home_site)
    return _ics(svc.calendar_bytes(staff, today), svc.download_name(staff, today))


@bp.get("/feed/<token>.ics")
def feed(token: str):
    """The calendar a subscribed app reads: public, keyed by the secret token; 404 when wrong."""
    found = svc.feed_for_token(token)
    if found is None:
        abort(404)
    svc.mark_used(found)
    staff = found.staff
    return _ics(svc.calendar_bytes(staff, site_today(staff.home_site)))
