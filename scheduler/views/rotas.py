"""Rotas: generate, read, explain, adjust, publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import dates, jobs
from ..clock import site_today
from ..database import database_int
from ..dates import monday_of
from ..extensions import db
from ..filters import day_label, shift_times
from ..forms.rotas import (
    AbsenceForm,
    ApprovalPolicyForm,
    AssignForm,
    MoveForm,
    NewDraftForm,
    RotaStateForm,
    SolveForm,
)
from ..models import (
    Duty,
    Rota,
    RotaAssignment,
    RotaStatus,
    ShiftType,
    Site,
    SolveKind,
    SolveRun,
    Staff,
)
from ..models import Station as StationModel
from ..security import MANAGERS, PIC, SUPERVISOR, roles_required
from ..services import (
    accounts,
    rota_edits,
    rota_pages,
    rota_workflow,
    scores,
    setup_check,
    setup_warnings,
)
from ..services import priorities as priority_service
from ..services.replanning import replan_inputs
from ..services.rota_lookup import latest_rota, planned_with
from ..services.rota_workflow import RotaChanged, RotaRefused
from ..services.run_messages import listed_conflicts, listed_faults
from ..services.uncovered import uncovered_by
from .confirm import confirm_uncovered, wants_change

bp = Blueprint("rotas", __name__, url_prefix="/rotas")


# ----- lookups that 404 --------------------------------------------------------------


def _week(text: str) -> date:
    """A day of a week from the URL: 404 when it is not a date, and 404 saying why when its
    week is outside the weeks the app plans (2000 to 2100)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        abort(404)
    if not dates.week_in_range(monday_of(day)):
        abort(404, description=dates.WEEK_MESSAGE)
    return day


def _rota(rota_id: int) -> Rota:
    return db.get_or_404(Rota, rota_id)


def _assignment(assignment_id: int, form: RotaStateForm, tried: str) -> RotaAssignment:
    """The assignment an edit is about; when it left the rota after the page showed it,
    the week page says so (409) instead of a bare 404."""
    found = db.session.get(RotaAssignment, assignment_id)
    if found is None:
        rota = db.session.get(Rota, form.seen_rota_id or 0)
        if rota is None or rota.lock_version == form.seen_lock:  # not a change since: unknown
            abort(404)
        abort(
            make_response(
                _conflict(
                    rota,
                    RotaChanged.for_change_since(rota, current_user),
                    f"{tried}: that shift is no longer on the rota",
                )
            )
        )
    return found


# ----- edits from out-of-date pages ----------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """Why an edit was not saved (the rota changed after the page showed it) and what it was."""

    headline: str
    tried: str
    assignment_id: int | None = None

    @property
    def text(self) -> str:
        """'Sam changed version 2 ... after you opened this page; your change (...) was not
        saved.'"""
        return f"{self.headline}; your change ({self.tried}) was not saved."


def _seen_lock(form: RotaStateForm) -> int:
    """The lock number the page showed the rota at (refused when the form did not say)."""
    lock = form.seen_lock
    if lock is None:
        raise RotaChanged.for_missing_lock()
    return lock


def _check_week(form: RotaStateForm, latest: Rota) -> int:
    """Refuse a change of the week unless the page showed its newest version as it is now."""
    lock = _seen_lock(form)
    if form.seen_rota_id != latest.id:
        raise RotaChanged.for_newer_version(latest, current_user)
    rota_workflow.check_lock(latest, lock, current_user)
    return lock


def _what(a: RotaAssignment) -> str:
    """'Ann, Tue 3 Mar day' for messages about one assignment."""
    return f"{a.staff.name}, {day_label(a.on_date)} {a.shift_type.name.lower()}"


def _conflict(rota: Rota, changed: RotaChanged, tried: str, assignment_id: int | None = None):
    """The week page showing the rota as it is now and why the edit was not saved (409)."""
    db.session.rollback()  # nothing of the refused edit stays; the page reads the rota afresh
    conflict = Conflict(changed.headline, tried, assignment_id)
    return _render_week(rota.site, rota.week_start, rota, SolveForm(), 409, conflict)


def _week_url(rota: Rota, anchor: str | None = None, editing: bool = False) -> str:
    """The week page of a rota version; ``editing`` opens its wall chart in edit mode."""
    return url_for(
        "rotas.week",
        site_id=rota.site_id,
        week=rota.week_start.isoformat(),
        version=rota.version,
        edit=1 if editing else None,
        _anchor=anchor,
    )


def _start(
    site: Site,
    week: date,
    form: SolveForm | AbsenceForm,
    kind: SolveKind,
    reference_rota_id: int | None = None,
    keep_before: date | None = None,
):
    """Start a solve job and go back to the week's page, which shows the solve live (or the
    reason it was refused).

    A week whose set-up has faults is not queued: its run fails at once and the
    week's page lists the faults. A published week whose every day has passed is
    history: nothing is left to re-plan.
    """
    if replan_inputs(site, week, kind, keep_before=keep_before).all_kept:
        flash(
            f"The week of {day_label(week)} has passed and was published: its days are "
            "kept as worked, so there is nothing left to plan. Correct a shift by hand on a "
            "new version if the record is wrong.",
            "error",
        )
        return redirect(url_for("rotas.week", site_id=site.id, week=week.isoformat()))
    try:
        faults = setup_check.week_faults(site, week)
        if faults:
            setup_check.refuse(site, week, faults, form.time_limit.data, kind, current_user.id)
            return redirect(url_for("rotas.week", site_id=site.id, week=week.isoformat()))
        run_id = jobs.start_solve(
            site.id,
            week,
            form.time_limit.data,
            kind=kind,
            reference_rota_id=reference_rota_id,
            requested_by_id=current_user.id,
            keep_before=keep_before,
        )
    except jobs.SolveBusy as busy:
        flash(str(busy), "error")
        return redirect(_following(site, week, busy.run.id))
    return redirect(_following(site, week, run_id))


def _following(site: Site, week: date, run_id: int) -> str:
    """A site's week page following a solve: live while it runs, its outcome once it ends."""
    return url_for("rotas.week", site_id=site.id, week=week.isoformat(), run=run_id)


# ----- the week page ---------------------------------------------------------------------


@bp.get("/<int:site_id>/<week>")
@roles_required(*MANAGERS)
def week(site_id: int, week: str):
    """Show a site's week: status, actions, the wall chart, the table by person, the explanation.

    While a solve of the week runs (the site's own, or a group solve started at a site
    planned together with it), the page without a version asked for shows the solve
    live instead: its progress and the best rota so far. ``run`` names the solve the
    page follows, so that once it has ended the page says how it ended.
    """
    site = db.get_or_404(Site, site_id)
    monday = _week(week)
    if monday.weekday() != 0:
        return redirect(url_for("rotas.week", site_id=site.id, week=monday_of(monday).isoformat()))
    version = request.args.get("version", type=database_int)
    rota = rota_pages.find_version(site.id, monday, version)
    if version is not None and rota is None:
        abort(404)
    followed = _followed(site, monday, request.args.get("run", type=database_int))
    watching = version is None and request.args.get("edit") != "1"
    return _render_week(site, monday, rota, SolveForm(), followed=followed, watching=watching)


def _followed(site: Site, monday: date, run_id: int | None) -> SolveRun | None:
    """The solve a week page follows: one of this week at the site or a site planned with it
    (None for any other id: an old or mistyped address shows the week as usual)."""
    run = db.session.get(SolveRun, run_id) if run_id else None
    if run is None or run.week_start != monday:
        return None
    return run if run.site_id in {s.id for s in planned_with(site)} else None


def _solving(site: Site, monday: date) -> SolveRun | None:
    """The queued or running solve that makes this week's next draft: the site's own, or a
    group solve started at a site planned together with it."""
    for other in sorted(planned_with(site), key=lambda s: s.id != site.id):
        found = jobs.active_run(other.id, monday)
        if found is not None:
            return found
    return None


def _render_week(
    site: Site,
    monday: date,
    rota: Rota | None,
    form: SolveForm,
    status: int = 200,
    conflict: Conflict | None = None,
    followed: SolveRun | None = None,
    watching: bool = False,
):
    """The week page; with ``watching``, a running solve of the week live in place of the rota."""
    active = _solving(site, monday)
    if active is not None and watching:
        progress = jobs.progress(active.id)
        if not progress.finished:
            return _render_live(site, monday, rota, active, progress), status
        followed, active = active, None  # it ended a moment ago: the page says how
        rota = rota_pages.find_version(site.id, monday, None)
    versions = rota_pages.versions(site.id, monday)
    ended = followed if followed is not None and followed.finished else None
    latest_run = setup_check.latest_run(site.id, monday)
    if (
        ended is not None
        and ended.site_id != site.id
        and (latest_run is None or ended.id > latest_run.id)
    ):
        latest_run = ended  # a group solve started elsewhere: its reasons are this week's too
    context = {
        "site": site,
        "monday": monday,
        "rota": rota,
        "form": form,
        "conflict": conflict,
        "edit_mode": request.args.get("edit") == "1",
        "active": active,
        "outcome": rota_pages.run_outcome(ended, site) if ended is not None else "",
        "outcome_ok": ended is not None and ended.rota is not None,
        "outcome_run": ended,
        "setup_faults": setup_check.latest_faults(site.id, monday),
        "setup_warnings": setup_warnings.week_warnings(site, monday),
        "no_rota": _no_rota(latest_run),
        "versions": versions,
        "version_scores": {v.id: rota_pages.site_score_line(v) for v in versions},
        "needs_approval": rota_workflow.requires_approval(site),
        "planned_together": [s for s in planned_with(site) if s.id != site.id],
        "no_approver": accounts.active_approvers() == 0,
        "prev_week": dates.neighbour_week(monday, -1),
        "next_week": dates.neighbour_week(monday, 1),
    }
    if rota is not None:
        try:
            violations = rota_edits.current_violations(rota)
        except RotaRefused as refused:  # the set-up has faults: the page lists them instead
            violations = []
            context["setup_faults"] = listed_faults(str(refused))
        context.update(
            status_label=rota_pages.status_label(rota),
            chart=rota_pages.wall_chart(rota),
            people=rota_pages.by_person(rota),
            explained=rota_pages.explanation(rota),
            violations=violations,
            changes=rota_edits.changes(rota.based_on, rota) if rota.based_on else None,
            latest=rota_pages.find_version(site.id, monday, None),
            weights_in_force=priority_service.rota_priorities(rota).in_force(),
            other_priorities=priority_service.draft_made_under_other(rota),
        )
    return render_template("rotas/week.html", **context), status


def _render_live(
    site: Site, monday: date, rota: Rota | None, run: SolveRun, progress: jobs.RunProgress
) -> str:
    """The week page while a solve of it runs: its progress, and the best rota so far at the
    site that started it (another site of the group shows the progress and says so)."""
    partner = site if run.site_id != site.id else None
    return render_template(
        "rotas/week.html",
        site=site,
        monday=monday,
        rota=rota,
        live_run=run,
        progress=progress,
        live=_live(run, progress, partner),
        progress_url=url_for("rotas.run_json", run_id=run.id, site=partner.id if partner else None),
        stop_url=url_for("rotas.stop", run_id=run.id, site=site.id),
        ended_url=_following(site, monday, run.id),
        prev_week=dates.neighbour_week(monday, -1),
        next_week=dates.neighbour_week(monday, 1),
    )


@dataclass(frozen=True)
class NoRota:
    """A failed solve's conflicting rules, and the week's pins among them (to drop by hand)."""

    run: SolveRun
    reasons: list[str]
    pins: list[rota_edits.PinConflict]
    rota: Rota | None  # the version the pins are on (the week's latest)


def _no_rota(run: SolveRun | None) -> NoRota | None:
    """What a solve that found no rota says: its reasons and the pins that cannot hold."""
    reasons = listed_conflicts(run.message) if run is not None else []
    if not reasons:
        return None
    latest = latest_rota(run.site_id, run.week_start)
    try:
        pins = rota_edits.conflicting_pins(latest, reasons) if latest is not None else []
    except RotaRefused:  # the set-up has faults now: the page lists those instead
        pins = []
    return NoRota(run, reasons, pins, latest)


# ----- solving ---------------------------------------------------------------------------


@bp.post("/<int:site_id>/<week>/solve")
@roles_required(SUPERVISOR)
def solve(site_id: int, week: str):
    """Start solving the week in the background: afresh, or completing around the pins."""
    site = db.get_or_404(Site, site_id)
    monday = monday_of(_week(week))
    form = SolveForm()
    latest = rota_pages.find_version(site.id, monday, None)
    if not form.validate_on_submit():
        return _render_week(site, monday, latest, form, 422)
    first = form.first_day
    if first is not None and latest is not None and 0 <= (first - monday).days < 7:
        # after leave: re-plan from its first day, keeping the days before it
        return _start(
            site, monday, form, SolveKind.REPLAN, reference_rota_id=latest.id, keep_before=first
        )
    return _start(site, monday, form, form.kind)


def _live(solve_run: SolveRun, progress: jobs.RunProgress, partner: Site | None = None) -> dict:
    """The best rota so far as a by-station grid (HTML), its quality in words, and what the
    page says of the solve (``said``, for the status region that screen readers announce).

    The grid is empty before the first rota, and for ``partner``, a site planned
    together with the run's whose rota the run does not keep while it solves. The
    quality never shows a raw bound.
    """
    rows = solve_run.best_rota
    quality = scores.quality_words(
        solve_run.site,
        rota_pages.live_gaps(rows),
        solve_run.best_levels,
        solve_run.best_level_bounds,
    )
    said = rota_pages.run_said(
        progress.status,
        quality,
        rows is not None,
        progress.rota_version,
        progress.stopping,
        solve_run.site.name if partner is not None else None,
    )
    data = {
        "state": rota_pages.run_state(progress.status, progress.stopping),
        "said": said,
        "rota_html": "",
        "quality": "" if partner is not None else quality,
    }
    if rows is None or partner is not None:
        return data
    chart = rota_pages.live_chart(solve_run.site, solve_run.week_start, rows)
    data["rota_html"] = render_template(
        "rotas/_live_chart.html",
        chart=chart,
        quality=quality,
        finished=progress.finished,
    )
    return data


def _partner(solve_run: SolveRun) -> Site | None:
    """The site named by ``?site=``: one planned together with the run's site (not the run's
    own), whose week page follows the run; None without it; 404 for any other site."""
    site_id = request.args.get("site", type=database_int)
    if site_id is None or site_id == solve_run.site_id:
        return None
    site = db.session.get(Site, site_id)
    if site is None or site not in planned_with(solve_run.site):
        abort(404)
    return site


@bp.get("/runs/<int:run_id>")
@roles_required(*MANAGERS)
def run(run_id: int):
    """A solve's progress: a live bar where scripts run, a refreshing page where they do not.

    The best rota found so far is shown as it comes, by station, with its quality in
    words; when the solve ends while the page watches, the page opens the new version.
    """
    solve_run = db.get_or_404(SolveRun, run_id)
    progress = jobs.progress(run_id)
    return render_template(
        "rotas/run.html",
        run=solve_run,
        progress=progress,
        no_rota=_no_rota(solve_run),
        live=_live(solve_run, progress),
    )


@bp.get("/runs/<int:run_id>.json")
@roles_required(*MANAGERS)
def run_json(run_id: int):
    """A solve's progress as JSON: status, best score in words, time spent and left, the best
    rota so far as an HTML fragment (``rota_html``) with its ``quality`` in words, what the
    page says of it (``said``) and, once it has ended with a rota, the new version's page.

    ``?site=`` asks for a site planned together with the run's: its own new version, and
    no grid (the run keeps only its own site's rota while it solves).
    """
    solve_run = db.get_or_404(SolveRun, run_id)
    partner = _partner(solve_run)
    progress = jobs.progress(run_id)
    data = progress.as_json()
    data.update(_live(solve_run, progress, partner))
    data["rota_url"] = _version_url(solve_run, partner or solve_run.site, data["rota_version"])
    return jsonify(data)


def _version_url(solve_run: SolveRun, site: Site, version: int | None) -> str | None:
    """The week page of the version a finished run made at a site (None without one): the
    run's own rota, or for a site planned with it, that site's latest version (made with it)."""
    if version is None:
        return None
    if site.id != solve_run.site_id:
        latest = rota_pages.find_version(site.id, solve_run.week_start, None)
        version = latest.version if latest is not None else None
    week = solve_run.week_start.isoformat()
    return url_for("rotas.week", site_id=site.id, week=week, version=version)


@bp.post("/runs/<int:run_id>/stop")
@roles_required(SUPERVISOR)
def stop(run_id: int):
    """Stop a running solve; the best rota found so far is kept.

    Back to the page the button was on: ``?site=`` names the week page (of the run's
    site or one planned with it), else the run's own page.
    """
    solve_run = db.get_or_404(SolveRun, run_id)
    back = request.args.get("site", type=database_int)
    if jobs.stop(run_id):
        flash("Stopping: the best rota found so far will be kept.", "info")
    else:
        flash("That solve is not running any more.", "info")
    for site in planned_with(solve_run.site):
        if site.id == back:
            return redirect(_following(site, solve_run.week_start, run_id))
    return redirect(url_for("rotas.run", run_id=run_id))


# ----- adjusting by hand ----------------------------------------------------------------------


@bp.post("/assignments/<int:assignment_id>/pin")
@roles_required(SUPERVISOR)
def pin(assignment_id: int):
    """Pin an assignment so a re-solve keeps it, or unpin it."""
    form = RotaStateForm()
    a = _assignment(assignment_id, form, "pin or unpin")
    rota, tried = a.rota, f"{'unpin' if a.pinned else 'pin'} {_what(a)}"
    try:
        pinned = rota_edits.toggle_pin(a, lock=_seen_lock(form), by=current_user)
    except RotaChanged as changed:
        return _conflict(rota, changed, tried, assignment_id)
    except RotaRefused as refused:
        flash(str(refused), "error")
    else:
        flash(
            f"{'Pinned' if pinned else 'Unpinned'} {a.staff.name} on {day_label(a.on_date)}.",
            "success",
        )
    return redirect(_week_url(rota, "by-station", editing=True))


@bp.post("/assignments/<int:assignment_id>/drop-pin")
@roles_required(SUPERVISOR)
def drop_pin(assignment_id: int):
    """Drop a pin a solve could not keep (the clash was named), so the week can be solved again.

    Only a person drops a pin: a solve never does. A published version is copied as a
    new draft without the pin.
    """
    form = RotaStateForm()
    a = _assignment(assignment_id, form, "drop a pin")
    rota, what = a.rota, _what(a)
    tried = f"drop the pin on {what}"
    try:
        kept_in = rota_edits.drop_pin(a, lock=_seen_lock(form), by=current_user)
    except RotaChanged as changed:
        return _conflict(rota, changed, tried, assignment_id)
    except RotaRefused as refused:
        flash(str(refused), "error")
        return redirect(_week_url(rota))
    copied = (
        f" in version {kept_in.version}, a new draft copied from version {rota.version}"
        if kept_in.id != rota.id
        else ""
    )
    flash(
        f"Dropped the pin on {what}{copied}. Solve the week again: "
        "Complete the rest keeps the other pins.",
        "success",
    )
    return redirect(_week_url(kept_in, "solve"))


@bp.post("/assignments/<int:assignment_id>/remove")
@roles_required(SUPERVISOR)
def remove(assignment_id: int):
    """Take an assignment off the draft, unless that breaks a hard rule."""
    form = RotaStateForm()
    a = _assignment(assignment_id, form, "remove")
    rota, name, day = a.rota, a.staff.name, day_label(a.on_date)
    tried = f"remove {_what(a)}"
    try:
        rota_edits.remove(a, lock=_seen_lock(form), by=current_user)
    except RotaChanged as changed:
        return _conflict(rota, changed, tried, assignment_id)
    except RotaRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        flash(f"Removed {name} from {day}.", "success")
    return redirect(_week_url(rota, "by-station", editing=True))


def _move_choices(form: MoveForm, rota: Rota) -> None:
    site = rota.site
    form.on_date.choices = [
        (d.isoformat(), day_label(d)) for d in rota_pages.week_days(rota.week_start)
    ]
    form.shift.choices = [
        (st.id, f"{st.name} ({shift_times(st)})") for st in site.shift_types_in_use
    ]
    form.place.choices = [(f"station-{s.id}", s.name) for s in site.stations_in_use] + [
        (f"duty-{d.id}", f"{d.name} (duty)") for d in site.duties_in_use
    ]


def _place(site: Site, value: str) -> StationModel | Duty | None:
    kind, _, ident = (value or "").partition("-")
    model = {"station": StationModel, "duty": Duty}.get(kind)
    if model is None or not ident.isdigit():
        return None
    found = db.session.get(model, int(ident))
    return found if found is not None and found.site_id == site.id else None


@bp.route("/assignments/<int:assignment_id>/move", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def move(assignment_id: int):
    """Move an assignment to another day, shift, station or duty; a broken hard rule refuses it.

    A move sent from a form shown before someone else changed the rota is not saved: the
    form comes back with the choices kept, where the person is now, and who changed it.
    """
    form = MoveForm()
    a = _assignment(assignment_id, form, "move")
    rota = a.rota
    _move_choices(form, rota)
    if request.method == "POST":
        try:
            rota_workflow.check_lock(rota, _seen_lock(form), current_user)
        except RotaChanged as changed:
            return _move_conflict(form, a, changed)
    if rota.status is not RotaStatus.DRAFT:
        flash("A published version cannot be changed; start a new draft from it first.", "error")
        return redirect(_week_url(rota))
    if request.method == "GET":
        form.show(rota)
        form.on_date.data = a.on_date.isoformat()
        form.shift.data = a.shift_type_id
        form.place.data = f"station-{a.station_id}" if a.station_id else f"duty-{a.duty_id}"
    if form.validate_on_submit():
        place = _place(rota.site, form.place.data)
        shift = db.session.get(ShiftType, form.shift.data)
        try:
            rota_edits.move(
                a, form.chosen_date(), shift, place, lock=form.seen_lock, by=current_user
            )
        except RotaChanged as changed:
            return _move_conflict(form, a, changed)
        except RotaRefused as refused:
            db.session.rollback()
            form.place.errors.append(str(refused))
        else:
            flash(
                f"Moved {a.staff.name} to {day_label(a.on_date)} "
                f"{shift.name.lower()} at {place.name} (pinned).",
                "success",
            )
            return redirect(_week_url(rota, "by-station", editing=True))
        return render_template("rotas/move.html", form=form, a=a, rota=rota), 422
    status = 422 if request.method == "POST" else 200
    return render_template("rotas/move.html", form=form, a=a, rota=rota), status


def _move_conflict(form: MoveForm, a: RotaAssignment, changed: RotaChanged):
    """The move form again after the rota changed under it (409): the choices made are kept,
    the page shows where the person is now and carries the rota's new state; the week page
    instead when the assignment itself is gone."""
    assignment_id, rota, tried = a.id, a.rota, f"move {_what(a)}"
    db.session.rollback()
    if db.session.get(RotaAssignment, assignment_id) is None:
        return _conflict(rota, changed, f"{tried}: that shift is no longer on the rota")
    form.show(rota)
    conflict = Conflict(changed.headline, tried, assignment_id)
    return render_template("rotas/move.html", form=form, a=a, rota=rota, conflict=conflict), 409


@bp.route("/<int:site_id>/<week>/absence", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def absence(site_id: int, week: str):
    """A sick call: mark someone absent, then re-plan the week with as few changes as possible."""
    site = db.get_or_404(Site, site_id)
    monday = monday_of(_week(week))
    rota = rota_pages.find_version(site.id, monday, None)
    if rota is None:
        abort(404)
    today = site_today(site)
    form = AbsenceForm(week=(monday, monday + timedelta(days=6)), today=today)
    people = db.session.scalars(
        db.select(Staff)
        .where(Staff.home_site_id == site.id, Staff.active.is_(True))
        .order_by(Staff.name)
    ).all()
    form.staff.choices = [(0, "Choose a person")] + [(p.id, p.name) for p in people]
    if request.method == "GET":
        form.show(rota)
        chosen = request.args.get("staff", type=database_int)
        if chosen:
            form.staff.data = chosen
        form.start.data = form.start.data or max(monday, min(today, monday + timedelta(6)))
        form.end.data = form.end.data or form.start.data
    if form.validate_on_submit():
        person = db.session.get(Staff, form.staff.data)
        try:
            _check_week(form, rota)
        except RotaChanged as changed:  # the re-plan would start from another version
            form.show(rota)
            conflict = Conflict(changed.headline, f"mark {person.name} absent and re-plan")
            return render_template(
                "rotas/absence.html",
                form=form,
                site=site,
                rota=rota,
                monday=monday,
                conflict=conflict,
            ), 409
        if not wants_change():  # else the form again, as it was typed
            shifts = uncovered_by(person, form.start.data, form.end.data)
            if shifts and form.confirm.data != "yes":
                return _confirm_absence(form, site, rota, monday, person, shifts)
            return _mark_absent(form, site, rota, monday, person)
    form.confirm.data = ""  # shown again: the warning comes again for what is sent next
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template(
        "rotas/absence.html", form=form, site=site, rota=rota, monday=monday
    ), status


def _confirm_absence(form: AbsenceForm, site: Site, rota: Rota, monday: date, person, shifts):
    """The sick call's confirm step: the shifts it uncovers and the pins it will remove."""
    start, end = form.start.data, form.end.data
    pinned = rota_edits.absent_pins(rota, person, start, end)
    notes = []
    if pinned:
        notes.append(
            f"{person.name}'s pins on those days are removed, so the re-plan can fill the "
            f"shifts: {', '.join(rota_edits.slot_words(a) for a in pinned)}."
        )
    return confirm_uncovered(
        heading="Sick call: mark someone absent",
        warning="Saving this absence uncovers:",
        uncovered=shifts,
        form=form,
        save_label="Mark absent and re-plan",
        cancel_url=_week_url(rota),
        back_label=f"Back to version {rota.version}, nothing saved",
        summary=(
            f"{person.name} absent {day_label(start)} to {day_label(end)}, "
            f"then a re-plan from version {rota.version}. Nothing is saved until you say so."
        ),
        notes=notes,
    )


def _mark_absent(form: AbsenceForm, site: Site, rota: Rota, monday: date, person):
    """Record the absence, remove the person's pins on those days, and start the re-plan."""
    start, end = form.start.data, form.end.data
    rota_edits.mark_absent(rota, person, start, end, form.note.data)
    try:
        pins_in, removed = rota_edits.unpin_absent(
            rota, person, start, end, lock=form.seen_lock, by=current_user
        )
    except RotaChanged as changed:  # changed after the check a moment ago: the leave stands
        db.session.rollback()
        flash(
            f"{person.name} is marked absent, but the rota changed meanwhile ({changed.headline}); "
            "check it and re-plan from the week's page.",
            "error",
        )
        return redirect(_week_url(rota_pages.find_version(site.id, monday, None)))
    for words in removed:
        flash(f"{person.name}'s pinned {words} was removed: {person.name} is absent.", "info")
    copied = (
        f" (version {pins_in.version} is a copy of it without those pins)"
        if pins_in.id != rota.id
        else ""
    )
    flash(
        f"{person.name} marked absent {day_label(start)} to "
        f"{day_label(end)}; re-planning from version {rota.version}{copied}.",
        "success",
    )
    return _start(
        site, monday, form, SolveKind.REPLAN, reference_rota_id=rota.id, keep_before=start
    )


def _slot(site: Site, monday: date):
    """The (date, shift, station) of an open shift from the query or form (404 when unknown)."""
    values = request.values
    on_date = dates.parse_day(values.get("on_date", ""))
    if on_date is None:
        abort(404)
    shift = db.session.get(ShiftType, values.get("shift", type=database_int) or 0)
    station = db.session.get(StationModel, values.get("station", type=database_int) or 0)
    if (
        shift is None
        or station is None
        or shift.site_id != site.id
        or station.site_id != site.id
        or not 0 <= (on_date - monday).days < 7
    ):
        abort(404)
    return on_date, shift, station


@bp.get("/<int:site_id>/<week>/replacements")
@roles_required(SUPERVISOR)
def replacements(site_id: int, week: str):
    """People ranked for one open shift at a station, each with the reasons."""
    site = db.get_or_404(Site, site_id)
    monday = monday_of(_week(week))
    rota = rota_pages.find_version(site.id, monday, None)
    if rota is None:
        abort(404)
    on_date, shift, station = _slot(site, monday)
    return _replacements_page(site, rota, on_date, shift, station)


def _replacements_page(
    site: Site,
    rota: Rota,
    on_date: date,
    shift: ShiftType,
    station: StationModel,
    conflict: Conflict | None = None,
):
    """The ranked people for an open shift of the rota (409 with a refused assignment)."""
    try:
        candidates = rota_edits.suggest_replacements(rota, on_date, shift, station)
    except RotaRefused as refused:
        flash(str(refused), "error")
        return redirect(_week_url(rota, "by-station", editing=True))
    return render_template(
        "rotas/replacements.html",
        site=site,
        rota=rota,
        on_date=on_date,
        shift=shift,
        station=station,
        candidates=candidates,
        form=AssignForm(),
        conflict=conflict,
    ), 409 if conflict else 200


@bp.post("/<int:site_id>/<week>/assign")
@roles_required(SUPERVISOR)
def assign(site_id: int, week: str):
    """Put a suggested person on an open shift (pinned), unless that breaks a hard rule."""
    site = db.get_or_404(Site, site_id)
    monday = monday_of(_week(week))
    rota = rota_pages.find_version(site.id, monday, None)
    form = AssignForm()
    if rota is None or not form.validate_on_submit():
        abort(404)
    try:  # a hidden id: digits int() refuses (such as "²") or too large are no one
        staff_id = database_int(form.staff.data)
    except ValueError:
        abort(404)
    on_date, shift, station = _slot(site, monday)
    person = db.session.get(Staff, staff_id)
    if person is None or person.home_site_id != site.id:
        abort(404)
    tried = f"put {person.name} on {day_label(on_date)} {shift.name.lower()} at {station.name}"
    try:
        lock = _check_week(form, rota)
        rota_edits.assign(rota, person, on_date, shift, station, lock=lock, by=current_user)
    except RotaChanged as changed:
        db.session.rollback()
        latest = rota_pages.find_version(site.id, monday, None)
        return _replacements_page(
            site, latest, on_date, shift, station, Conflict(changed.headline, tried)
        )
    except RotaRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(
            url_for(
                "rotas.replacements",
                site_id=site.id,
                week=monday.isoformat(),
                on_date=on_date.isoformat(),
                shift=shift.id,
                station=station.id,
            )
        )
    flash(
        f"{person.name} now works {day_label(on_date)} {shift.name.lower()} at "
        f"{station.name} (pinned).",
        "success",
    )
    return redirect(_week_url(rota, "by-station", editing=True))


# ----- approval and publishing ------------------------------------------------------------------


def _act(rota_id: int, action, done, tried: str):
    """Run an approval step on a version shown at the form's lock; refused if it changed since.

    ``done`` is the message on success: text with ``{v}`` for the version, or a function
    of the rota.
    """
    rota = _rota(rota_id)
    form = RotaStateForm()
    try:
        action(rota, _seen_lock(form))
    except RotaChanged as changed:
        return _conflict(rota, changed, tried.format(v=rota.version))
    except RotaRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
    else:
        flash(done(rota) if callable(done) else done.format(v=rota.version), "success")
    return redirect(_week_url(rota))


@bp.post("/versions/<int:rota_id>/submit")
@roles_required(SUPERVISOR)
def submit(rota_id: int):
    """Ask the pharmacist-in-charge to approve a draft."""
    return _act(
        rota_id,
        lambda r, lock: rota_workflow.submit_for_approval(r, lock=lock, by=current_user),
        "Version {v} sent to the pharmacist-in-charge for approval.",
        "ask the pharmacist-in-charge to approve version {v}",
    )


@bp.post("/versions/<int:rota_id>/approve")
@roles_required(PIC)
def approve(rota_id: int):
    """The pharmacist-in-charge approves a draft for publishing."""
    return _act(
        rota_id,
        lambda r, lock: rota_workflow.approve(r, current_user, lock=lock),
        "Version {v} approved.",
        "approve version {v}",
    )


@bp.post("/versions/<int:rota_id>/publish")
@roles_required(*MANAGERS)
def publish(rota_id: int):
    """Publish a draft to the technicians (approved first where the site requires it)."""
    return _act(
        rota_id,
        lambda r, lock: rota_workflow.publish(r, current_user, lock=lock),
        lambda r: f"Version {r.version} published. {accounts.reach_words(r)}",
        "publish version {v}",
    )


@bp.post("/versions/<int:rota_id>/draft")
@roles_required(SUPERVISOR)
def new_draft(rota_id: int):
    """Copy a version as the next draft, to change it by hand (once, if two press at once)."""
    rota = _rota(rota_id)
    form = NewDraftForm()
    tried = f"start a new draft from version {rota.version}"
    try:
        if form.seen_latest is None:
            raise RotaChanged.for_missing_lock()
        draft = rota_workflow.new_draft_from(
            rota, lock=_seen_lock(form), latest_seen=form.seen_latest, by=current_user
        )
    except RotaChanged as changed:
        db.session.rollback()
        latest = rota_pages.find_version(rota.site_id, rota.week_start, None)
        return _conflict(latest, changed, tried)
    flash(f"Version {draft.version} is a new draft copied from version {rota.version}.", "success")
    return redirect(_week_url(draft))


@bp.route("/sites/<int:site_id>/approval", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def approval_policy(site_id: int):
    """Whether the site's rotas need the pharmacist-in-charge's approval before publishing."""
    site = db.get_or_404(Site, site_id)
    form = ApprovalPolicyForm()
    if request.method == "GET":
        form.requires_approval.data = rota_workflow.requires_approval(site)
    if form.validate_on_submit():
        rota_workflow.set_requires_approval(site, form.requires_approval.data)
        flash(
            "Approval rule saved: "
            + (
                "the pharmacist-in-charge approves each rota before it is published."
                if form.requires_approval.data
                else "rotas are published without approval."
            ),
            "success",
        )
        return redirect(url_for("rotas.approval_policy", site_id=site.id))
    return render_template(
        "rotas/policy.html",
        form=form,
        site=site,
        default=current_app.config.get("ROTA_APPROVAL_REQUIRED", True),
    )
