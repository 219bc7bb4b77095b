"""The guide "Create your pharmacy": the set-up pages walked through in order, with a stepper.

A supervisor starts it from the home page; a session entry then names the site being
set up (none before step 1 makes it). While it is on, every page belonging to a step
shows the stepper above its content (base.html): the step's number and name, the
steps done and to do, Back, Next step and Leave the guide. The step's own form offers
"Save and continue" (and "Save and add another ..." where a step holds several
things); the view hands its usual redirect to :func:`onward`, which goes on to the
next step's page instead when one of those buttons was pressed. Nothing else in a
view changes, and a form sent without those buttons behaves as it always did.

The steps, their order and their state are those of services/first_run.py; the
seven set-up steps are numbered, the first rota comes after them on the week page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from .clock import site_today
from .dates import monday_of
from .extensions import db
from .models import AccountRole, Site
from .services import first_run
from .services.first_run import KEYS, Step

FLAG = "guide"  # session: {"user": the account's id, "site": the site's id or None}
SET_UP = KEYS[:-1]  # the numbered steps; the first rota follows them


@dataclass(frozen=True)
class Page:
    """A page of a step, and the guide's buttons on its form (none where it has no form)."""

    step: str
    buttons: bool = True
    next_label: str = "Save and continue"
    more_label: str | None = None


_SHIFT = "Save and add another shift type"
_COMPETENCY = "Save and add another competency"
PAGES: dict[str, Page] = {
    "setup.new_site": Page("site"),
    "setup.edit_site": Page("site"),
    "setup.new_shift": Page("shifts", more_label=_SHIFT),
    "setup.edit_shift": Page("shifts", more_label=_SHIFT),
    "skills.index": Page("competencies", buttons=False),
    "skills.new": Page("competencies", more_label=_COMPETENCY),
    "skills.edit": Page("competencies", more_label=_COMPETENCY),
    "setup.new_station": Page("stations", next_label="Save and set its cover"),
    "setup.cover": Page("stations", more_label="Save and add another station"),
    "setup.date_cover": Page("stations", more_label="Save and add another station"),
    "staff.index": Page("people", buttons=False),
    "staff.new": Page("people", more_label="Save and add another person"),
    "sheets.staff_import": Page("people", buttons=False),
    "sheets.staff_preview": Page("people", buttons=False),
    "guide.levels": Page("levels"),
    "accounts.index": Page("accounts", buttons=False),
    "accounts.invite": Page("accounts", buttons=False),
    "accounts.technicians": Page("accounts", buttons=False),
    "rotas.week": Page("rota", buttons=False),
}


@dataclass(frozen=True)
class Here:
    """The guide as the current page shows it."""

    page: Page
    site: Site | None
    steps: list[Step]  # the numbered set-up steps
    step: Step  # this page's step
    number: int | None  # 1 to 7; None on the first rota's page
    urls: dict[str, str | None]  # each step's page
    back: str | None
    next: str | None
    finished: bool = False  # the first rota exists: the guide ends on this page

    @property
    def total(self) -> int:
        """How many numbered steps there are."""
        return len(SET_UP)


def step_page(key: str, site: Site | None) -> str | None:
    """The page a step is done on, for a site (None while there is no site to do it for)."""
    if key == "site":
        if site is None:
            return url_for("setup.new_site")
        return url_for("setup.edit_site", site_id=site.id)
    if site is None:
        return None
    if key == "stations":
        bare = next((s for s in site.stations if s.archived_at is None and not s.cover), None)
        if bare is not None:
            return url_for("setup.cover", station_id=bare.id)
    pages = {
        "shifts": lambda: url_for("setup.new_shift", site_id=site.id),
        "competencies": lambda: url_for("skills.new"),
        "stations": lambda: url_for("setup.new_station", site_id=site.id),
        "people": lambda: url_for("staff.new", site=site.id),
        "levels": lambda: url_for("guide.levels", site=site.id),
        "accounts": lambda: url_for("accounts.index"),
        "rota": lambda: url_for(
            "rotas.week", site_id=site.id, week=monday_of(site_today(site)).isoformat()
        ),
    }
    return pages[key]()


def _more_page(key: str, site: Site | None) -> str | None:
    """The page that adds another thing of a step (a shift type, a station, a person...)."""
    if key == "competencies":
        return url_for("skills.new")
    if site is None:
        return None
    pages = {
        "shifts": lambda: url_for("setup.new_shift", site_id=site.id),
        "stations": lambda: url_for("setup.new_station", site_id=site.id),
        "people": lambda: url_for("staff.new", site=site.id),
    }
    return pages[key]() if key in pages else None


def _state() -> dict | None:
    """The guide's session entry, when it is on for the signed-in supervisor."""
    state = session.get(FLAG)
    if not state or not current_user.is_authenticated:
        return None
    if state.get("user") != current_user.id or not current_user.has_role(AccountRole.SUPERVISOR):
        return None
    return state


def _site(state: dict) -> Site | None:
    return db.session.get(Site, state["site"]) if state.get("site") else None


def start(site: Site | None) -> str:
    """Turn the guide on for a site (None: the site is made in step 1); the page of its first
    step still to do (of step 1 when all are done, to go through them again)."""
    session[FLAG] = {"user": current_user.id, "site": site.id if site else None}
    first = next((s for s in first_run.steps(site) if not s.done), None)
    return step_page(first.key if first else "site", site) or url_for("main.index")


def leave() -> None:
    """Turn the guide off."""
    session.pop(FLAG, None)


def _other_site(site: Site | None) -> bool:
    """Whether the page is about another site than the guide's (no stepper there)."""
    named = (request.view_args or {}).get("site_id", request.args.get("site"))
    if named is None:
        return False
    return site is None or str(named) != str(site.id)


def here() -> Here | None:
    """The guide on this page, or None (guide off, not a step's page, or another site's).

    An error page shown after a failed database statement leaves the guide out.
    """
    asked = request._get_current_object()  # one answer per request (tests share a context)
    cached = g.get("guide_here")
    if cached is None or cached[0] is not asked:
        try:
            found = _here()
        except SQLAlchemyError:
            db.session.rollback()
            found = None
        g.guide_here = cached = (asked, found)
    return cached[1]


def _here() -> Here | None:
    state = _state()
    page = PAGES.get(request.endpoint or "") if state else None
    if page is None:
        return None
    site = _site(state)
    if _other_site(site):
        return None
    every = first_run.steps(site)
    step = next(s for s in every if s.key == page.step)
    finished = page.step == "rota" and step.done
    if finished:
        leave()
    at = KEYS.index(page.step)
    urls = {s.key: step_page(s.key, site) for s in every}
    return Here(
        page=page,
        site=site,
        steps=every[: len(SET_UP)],
        step=step,
        number=at + 1 if page.step in SET_UP else None,
        urls=urls,
        back=urls[KEYS[at - 1]] if at > 0 else None,
        next=urls[KEYS[at + 1]] if at + 1 < len(KEYS) else None,
        finished=finished,
    )


def onward(default, site: Site | None = None):
    """After a save: the next step's page (or the page adding another) when the form was sent
    with the guide's buttons, else ``default``. ``site`` is the site a step just made."""
    state = _state()
    choice = request.form.get("guide")
    page = PAGES.get(request.endpoint or "")
    if state is None or page is None or choice not in ("next", "more"):
        return default
    if site is not None:
        session[FLAG] = {**state, "site": site.id}
    site = site or _site(state)
    if choice == "more" and page.more_label:
        url = _more_page(page.step, site)
    else:
        url = step_page(KEYS[KEYS.index(page.step) + 1], site)
    return redirect(url) if url else default
