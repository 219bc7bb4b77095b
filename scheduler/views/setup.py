"""Site set-up: sites, stations, shift types, cover, duties, ratio rules.

Only supervisors set a site up; pharmacists-in-charge and technicians get 403.
Rows are never deleted here (rotas refer to them), except date-specific cover
lines, which nothing else refers to: stations, shift types and duties are archived
instead (services/archive.py says when that is refused).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from .. import guide, navigation
from ..extensions import db
from ..filters import shift_times
from ..forms.priorities import PrioritiesForm, priorities_form_data
from ..forms.setup import (
    DateCoverForm,
    DutyForm,
    RatioRuleForm,
    ShiftTypeForm,
    SiteForm,
    StationForm,
    cover_grid_form,
)
from ..forms.staff import options
from ..models import CoverRequirement, Duty, RatioRuleSet, ShiftType, Site, Station
from ..security import SUPERVISOR, roles_required
from ..services import archive
from ..services import priorities as priority_service
from ..services import setup as svc
from ..services.archive import ArchiveRefused
from ..services.setup_warnings import (
    cover_against_hours,
    shift_on_closed_days,
    shift_outside_hours,
)

bp = Blueprint("setup", __name__, url_prefix="/setup")
navigation.add(50, "setup.index", "Set-up", ("supervisor",))


# ----- helpers -----------------------------------------------------------------------


def _to_site(site: Site, anchor: str = ""):
    """Back to a site's set-up page (at a section)."""
    return redirect(url_for("setup.site", site_id=site.id, _anchor=anchor or None))


def _site_form(site: Site | None = None) -> SiteForm:
    """The site form with group and ratio rule choices (and the site's values when editing)."""
    if site is None:
        form = SiteForm(data={"timezone": "America/Chicago", "open_24_7": True})
    else:
        form = SiteForm(obj=site, data=svc.opening_hours_data(site), row_id=site.id)
    form.group_id.choices = options(
        ((g.id, g.name) for g in svc.all_groups()),
        blank="No group",
    )
    form.ratio_rule_id.choices = options(
        ((r.id, _rule_label(r)) for r in svc.all_ratio_rules()),
        blank="No ratio rule",
    )
    return form


def _rule_label(rule: RatioRuleSet) -> str:
    """A ratio rule set as a choice, with its effective date."""
    since = f" from {rule.effective_date.isoformat()}" if rule.effective_date else ""
    return f"{rule.label}{since}"


def _render_site_form(form: SiteForm, site: Site | None):
    """The site form page, with the list of time zones to pick from."""
    return render_template("setup/site_form.html", form=form, site=site, timezones=svc.timezones())


def _station_form(site: Site, station: Station | None = None) -> StationForm:
    """The station form with every competency to tick."""
    data = {"competency_ids": [c.id for c in station.competencies]} if station else None
    form = StationForm(
        obj=station, data=data, site_id=site.id, row_id=station.id if station else None
    )
    held = station.competencies if station else []
    form.competency_ids.choices = options(
        (c.id, f"{c.name} ({c.code})") for c in svc.choices_with(svc.all_competencies(), held)
    )
    return form


def _shift_form(site: Site, shift: ShiftType | None = None) -> ShiftTypeForm:
    """The shift type form; the site's shift types are the successors it may forbid."""
    if shift is None:
        data = {"weekdays": [str(d) for d in range(7)]}
    else:
        data = {
            "weekdays": list(shift.weekdays),
            "forbidden_next_ids": [s.id for s in shift.forbidden_next],
        }
    form = ShiftTypeForm(obj=shift, data=data, site_id=site.id, row_id=shift.id if shift else None)
    shifts = svc.choices_with(site.shift_types_in_use, shift.forbidden_next if shift else [])
    form.forbidden_next_ids.choices = options((s.id, f"{s.name}, {shift_times(s)}") for s in shifts)
    return form


def _duty_form(site: Site, duty: Duty | None = None) -> DutyForm:
    """The duty form with the site's shifts, the competencies and the site's people to tick."""
    if duty is None:
        data = {"per_week": 1, "weight": 100, "minutes": 60}
    else:
        data = {
            "kind": duty.kind.value,
            "min_level": duty.min_level.value,
            "weekdays": list(duty.weekdays) if duty.weekdays is not None else [],
            "shift_type_ids": [s.id for s in duty.shift_types],
            "people_ids": [p.id for p in duty.people],
        }
    form = DutyForm(obj=duty, data=data, site_id=site.id, row_id=duty.id if duty else None)
    shifts = svc.choices_with(site.shift_types_in_use, duty.shift_types if duty else [])
    form.shift_type_ids.choices = options((s.id, f"{s.name}, {shift_times(s)}") for s in shifts)
    needed = [duty.competency] if duty is not None and duty.competency is not None else []
    form.competency_id.choices = options(
        ((c.id, f"{c.name} ({c.code})") for c in svc.choices_with(svc.all_competencies(), needed)),
        blank="None",
    )
    people = svc.active_staff(site)
    if duty is not None:
        people += [p for p in duty.people if p not in people]
    form.people_ids.choices = options((p.id, p.name) for p in people)
    return form


def _duty_values(form: DutyForm) -> dict:
    """A duty form's values as save_duty takes them."""
    return {
        name: form[name].data
        for name in (
            "name",
            "kind",
            "minutes",
            "weekdays",
            "shift_type_ids",
            "competency_id",
            "min_level",
            "per_week",
            "per_day",
            "weight",
            "people_ids",
            "required",
        )
    }


# ----- sites ------------------------------------------------------------------------


@bp.get("/")
@roles_required(SUPERVISOR)
def index():
    """Every site to set up, and the ratio rule sets sites can use."""
    return render_template(
        "setup/index.html",
        sites=svc.all_sites(),
        rules=svc.all_ratio_rules(),
    )


@bp.route("/sites/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new_site():
    """Add a site."""
    form = _site_form()
    if form.validate_on_submit():
        site = svc.save_site(None, {**form.data, "hours": form.hours()})
        flash(f"Added {site.name}. Now add its shift types and stations.", "success")
        return guide.onward(_to_site(site), site=site)
    return _render_site_form(form, None)


@bp.get("/sites/<int:site_id>")
@roles_required(SUPERVISOR)
def site(site_id: int):
    """A site's set-up at a glance: details, shift types, stations with cover, duties."""
    site = db.get_or_404(Site, site_id)
    return render_template(
        "setup/site.html",
        site=site,
    )


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit_site(site_id: int):
    """Change a site's details, group, ratio rule or opening hours."""
    site = db.get_or_404(Site, site_id)
    form = _site_form(site)
    if form.validate_on_submit():
        svc.save_site(site, {**form.data, "hours": form.hours()})
        flash(f"Saved {site.name}'s details.", "success")
        return guide.onward(_to_site(site))
    return _render_site_form(form, site)


# ----- priorities ---------------------------------------------------------------------


def _priorities_page(site: Site, form: PrioritiesForm, status: int = 200):
    """The priorities page: the fixed levels, the form, the defaults and what is in force."""
    return render_template(
        "setup/priorities.html",
        site=site,
        form=form,
        in_force=priority_service.site_priorities(site).in_force(),
        defaults=priority_service.default_rows(),
        fixed=priority_service.fixed_levels(),
        default_weeks=priority_service.DEFAULT_FAIRNESS_WEEKS,
    ), status


@bp.route("/sites/<int:site_id>/priorities", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def priorities(site_id: int):
    """Order a site's levels 4 and 5, weigh the rules in them, and set its fairness window."""
    site = db.get_or_404(Site, site_id)
    form = PrioritiesForm(data=priorities_form_data(site))
    if form.validate_on_submit():
        changes = priority_service.save(site, form.priorities(), form.fairness_weeks.data)
        what = "; ".join(changes) if changes else "nothing changed"
        flash(
            f"Saved {site.name}'s priorities ({what}). The next rota generated uses them.",
            "success",
        )
        return redirect(url_for("setup.priorities", site_id=site.id))
    return _priorities_page(site, form, 422 if form.errors else 200)


@bp.post("/sites/<int:site_id>/priorities/reset")
@roles_required(SUPERVISOR)
def reset_priorities(site_id: int):
    """Put a site's priorities and fairness window back on the documented defaults."""
    site = db.get_or_404(Site, site_id)
    changes = priority_service.reset(site)
    what = "; ".join(changes) if changes else "they already were"
    flash(f"{site.name}'s priorities are back on the defaults ({what}).", "success")
    return redirect(url_for("setup.priorities", site_id=site.id))


# ----- stations and shift types ---------------------------------------------------------


@bp.route("/sites/<int:site_id>/stations/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new_station(site_id: int):
    """Add a station to a site."""
    site = db.get_or_404(Site, site_id)
    form = _station_form(site)
    if form.validate_on_submit():
        station = svc.save_station(site, None, form.data)
        flash(f"Added the station {station.name}. Set its cover next.", "success")
        return redirect(url_for("setup.cover", station_id=station.id))
    return render_template("setup/form.html", form=form, site=site, title="Add a station")


@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit_station(station_id: int):
    """Rename a station or change the competencies it needs."""
    station = db.get_or_404(Station, station_id)
    form = _station_form(station.site, station)
    if form.validate_on_submit():
        svc.save_station(station.site, station, form.data)
        flash(f"Saved the station {station.name}.", "success")
        return _to_site(station.site, "stations")
    return render_template(
        "setup/form.html", form=form, site=station.site, title=f"Edit the station {station.name}"
    )


@bp.route("/sites/<int:site_id>/shifts/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new_shift(site_id: int):
    """Add a shift type to a site."""
    site = db.get_or_404(Site, site_id)
    form = _shift_form(site)
    if form.validate_on_submit():
        shift = svc.save_shift_type(site, None, form.data)
        flash(f"Added the {shift.name} shift ({shift_times(shift)}).", "success")
        _warn_closed_days(site, shift)
        return guide.onward(_to_site(site, "shifts"))
    return render_template("setup/form.html", form=form, site=site, title="Add a shift type")


def _warn_closed_days(site: Site, shift: ShiftType) -> None:
    """Flash a warning when a saved shift runs on a day the site is closed, or wholly
    outside its opening hours."""
    for warning in (shift_on_closed_days(site, shift), shift_outside_hours(site, shift)):
        if warning:
            flash(f"Check: {warning}.", "error")


@bp.route("/shifts/<int:shift_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit_shift(shift_id: int):
    """Change a shift type's times, days, successors or weekly cap."""
    shift = db.get_or_404(ShiftType, shift_id)
    form = _shift_form(shift.site, shift)
    if form.validate_on_submit():
        svc.save_shift_type(shift.site, shift, form.data)
        flash(f"Saved the {shift.name} shift ({shift_times(shift)}).", "success")
        _warn_closed_days(shift.site, shift)
        return guide.onward(_to_site(shift.site, "shifts"))
    return render_template(
        "setup/form.html", form=form, site=shift.site, title=f"Edit the {shift.name} shift"
    )


# ----- cover ----------------------------------------------------------------------------


def _grid_data(station: Station) -> dict:
    """A station's weekday cover lines as cover grid form data."""
    data = {}
    for (shift_id, weekday), line in svc.weekly_cover(station).items():
        data[f"min_{shift_id}_{weekday}"] = line.minimum
        data[f"ideal_{shift_id}_{weekday}"] = line.ideal
    return data


def _cover_page(station: Station, grid, dates: DateCoverForm, status: int = 200):
    """The cover page of a station: the weekday grid and the date lines."""
    return render_template(
        "setup/cover.html",
        station=station,
        site=station.site,
        grid=grid,
        dates=dates,
        date_lines=svc.date_cover(station),
    ), status


@bp.route("/stations/<int:station_id>/cover", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def cover(station_id: int):
    """Set a station's minimum and ideal head count per shift and weekday."""
    station = db.get_or_404(Station, station_id)
    shifts = station.site.shift_types
    grid = cover_grid_form(shifts, data=_grid_data(station))
    if grid.validate_on_submit():
        lines = svc.save_weekly_cover(station, grid.values())
        flash(f"Saved {station.name}'s cover: {lines} shift-and-day lines.", "success")
        if warning := cover_against_hours(station):  # saved all the same, as typed
            flash(f"Check: {warning}.", "error")
        return guide.onward(redirect(url_for("setup.cover", station_id=station.id)))
    dates = DateCoverForm(formdata=None, shift_types=shifts)
    return _cover_page(station, grid, dates, 422 if grid.errors else 200)


@bp.post("/stations/<int:station_id>/cover/dates")
@roles_required(SUPERVISOR)
def date_cover(station_id: int):
    """Set a station's cover on one date and shift, overriding its weekday line."""
    station = db.get_or_404(Station, station_id)
    shifts = station.site.shift_types
    dates = DateCoverForm(shift_types=shifts)
    if dates.validate_on_submit():
        changed = svc.save_date_cover(
            station,
            dates.shift_type_id.data,
            dates.on_date.data,
            dates.minimum.data,
            dates.ideal.data,
        )
        day = dates.on_date.data
        flash(
            f"{'Changed' if changed else 'Added'} {station.name}'s cover on "
            f"{day:%a} {day.day} {day:%b %Y}.",
            "success",
        )
        return redirect(url_for("setup.cover", station_id=station.id, _anchor="dates"))
    grid = cover_grid_form(shifts, data=_grid_data(station))
    grid.process(formdata=None, data=_grid_data(station))
    return _cover_page(station, grid, dates, 422)


@bp.post("/cover/<int:line_id>/delete")
@roles_required(SUPERVISOR)
def delete_cover(line_id: int):
    """Delete a date-specific cover line (weekday lines are cleared in the grid)."""
    line = db.get_or_404(CoverRequirement, line_id)
    if line.on_date is None:
        abort(404)
    station = line.station
    svc.delete_cover_line(line)
    flash("Deleted the date cover line; the weekday cover applies again that day.", "success")
    return redirect(url_for("setup.cover", station_id=station.id, _anchor="dates"))


# ----- duties ---------------------------------------------------------------------------


@bp.route("/sites/<int:site_id>/duties/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new_duty(site_id: int):
    """Add a duty to a site."""
    site = db.get_or_404(Site, site_id)
    form = _duty_form(site)
    if form.validate_on_submit():
        duty = svc.save_duty(site, None, _duty_values(form))
        flash(f"Added the duty {duty.name}.", "success")
        return _to_site(site, "duties")
    return render_template("setup/form.html", form=form, site=site, title="Add a duty")


@bp.route("/duties/<int:duty_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit_duty(duty_id: int):
    """Change a duty."""
    duty = db.get_or_404(Duty, duty_id)
    form = _duty_form(duty.site, duty)
    if form.validate_on_submit():
        svc.save_duty(duty.site, duty, _duty_values(form))
        flash(f"Saved the duty {duty.name}.", "success")
        return _to_site(duty.site, "duties")
    return render_template(
        "setup/form.html", form=form, site=duty.site, title=f"Edit the duty {duty.name}"
    )


# ----- ratio rules ------------------------------------------------------------------------


@bp.route("/ratio-rules/new", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def new_ratio_rule():
    """Add a pharmacist-to-technician ratio rule set."""
    form = RatioRuleForm()
    if form.validate_on_submit():
        rule = svc.save_ratio_rule(None, form.data)
        flash(
            f"Added the ratio rule {rule.label}. Choose it on a site's details to use it.",
            "success",
        )
        return redirect(url_for("setup.index", _anchor="ratio-rules"))
    return render_template("setup/form.html", form=form, site=None, title="Add a ratio rule")


@bp.route("/ratio-rules/<int:rule_id>/edit", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def edit_ratio_rule(rule_id: int):
    """Change a ratio rule set (every site using it follows the change)."""
    rule = db.get_or_404(RatioRuleSet, rule_id)
    form = RatioRuleForm(obj=rule, row_id=rule.id)
    if form.validate_on_submit():
        svc.save_ratio_rule(rule, form.data)
        flash(f"Saved the ratio rule {rule.label}.", "success")
        return redirect(url_for("setup.index", _anchor="ratio-rules"))
    return render_template(
        "setup/form.html", form=form, site=None, title=f"Edit the ratio rule {rule.label}"
    )


# ----- archiving --------------------------------------------------------------------------

ARCHIVE_ANCHORS = {Station: "stations", ShiftType: "shifts", Duty: "duties"}


def refused_page(refused: ArchiveRefused, back_url: str, back_text: str):
    """The page that says why an archive or restore was refused, each blocker a link (409)."""
    return render_template(
        "setup/refused.html", refused=refused, back_url=back_url, back_text=back_text
    ), 409


def _archive_or_restore(row: Station | ShiftType | Duty, restoring: bool):
    """Archive or restore a site's station, shift type or duty, then back to its list."""
    site = row.site
    anchor = ARCHIVE_ANCHORS[type(row)]
    what = archive.describe(row)
    try:
        changed = archive.restore(row) if restoring else archive.archive(row)
    except ArchiveRefused as refused:
        db.session.rollback()
        back = url_for("setup.site", site_id=site.id, _anchor=anchor)
        return refused_page(refused, back, f"Set-up of {site.name}")
    if not changed:
        flash(f"Nothing to do: {what} was {'not' if restoring else 'already'} archived.", "info")
    elif restoring:
        flash(f"Restored {what}: lists and new rotas have it again.", "success")
    else:
        flash(
            f"Archived {what}: it is gone from lists and new rotas; rotas already made still "
            "show it. Restore it any time from Archived, below the list.",
            "success",
        )
    return _to_site(site, anchor)


@bp.post("/stations/<int:station_id>/archive")
@roles_required(SUPERVISOR)
def archive_station(station_id: int):
    """Archive a station: kept for past rotas, left out of lists and new rotas."""
    return _archive_or_restore(db.get_or_404(Station, station_id), restoring=False)


@bp.post("/stations/<int:station_id>/restore")
@roles_required(SUPERVISOR)
def restore_station(station_id: int):
    """Bring an archived station back, with its cover."""
    return _archive_or_restore(db.get_or_404(Station, station_id), restoring=True)


@bp.post("/shifts/<int:shift_id>/archive")
@roles_required(SUPERVISOR)
def archive_shift(shift_id: int):
    """Archive a shift type, unless a duty in use is limited to it."""
    return _archive_or_restore(db.get_or_404(ShiftType, shift_id), restoring=False)


@bp.post("/shifts/<int:shift_id>/restore")
@roles_required(SUPERVISOR)
def restore_shift(shift_id: int):
    """Bring an archived shift type back, with its cover lines."""
    return _archive_or_restore(db.get_or_404(ShiftType, shift_id), restoring=True)


@bp.post("/duties/<int:duty_id>/archive")
@roles_required(SUPERVISOR)
def archive_duty(duty_id: int):
    """Archive a duty: kept for past rotas, left out of lists and new rotas."""
    return _archive_or_restore(db.get_or_404(Duty, duty_id), restoring=False)


@bp.post("/duties/<int:duty_id>/restore")
@roles_required(SUPERVISOR)
def restore_duty(duty_id: int):
    """Bring an archived duty back, unless a shift or competency it needs is archived."""
    return _archive_or_restore(db.get_or_404(Duty, duty_id), restoring=True)
