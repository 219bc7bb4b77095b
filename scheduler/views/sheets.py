"""Spreadsheets: a week's rota as CSV or Excel, and the staff file exported and imported.

Managers (supervisors and pharmacists-in-charge) download; only supervisors import,
as only they edit staff records. An import is shown as a preview first and saved
only when the supervisor confirms it; technicians get 403 everywhere.
"""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from .. import dates
from ..database import database_int
from ..extensions import db
from ..forms.sheets import ConfirmImportForm, StaffImportForm, megabytes, too_big_message
from ..forms.sheets import upload_limit as _upload_limit
from ..models import Rota, Site, Staff
from ..security import MANAGERS, SUPERVISOR, roles_required
from ..services import rota_pages
from ..services.sheets import pending, staff_file, tables
from ..services.sheets import week as week_sheets
from ..services.sheets.staff_import import ImportPlan, apply_import, plan_import
from ..services.staff import ROLE_ORDER, all_sites

bp = Blueprint("sheets", __name__, url_prefix="/sheets")

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_CEILING = 32 * 1024 * 1024  # bytes read at all; larger uploads get the size message


@bp.url_value_preprocessor
def _upload_ceiling(endpoint: str | None, _values) -> None:
    """Let a staff upload through the app's request size limit, so its own check can explain.

    This runs before the CSRF check reads the form, so an app-wide MAX_CONTENT_LENGTH
    cannot turn an oversized file into a bare 413 page; beyond the ceiling the upload
    is refused with the same message beside the field.
    """
    if endpoint == "sheets.staff_import":
        request.max_content_length = max(UPLOAD_CEILING, _upload_limit() + 64 * 1024)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    """An upload too large to read: the upload page again, the reason beside the field."""
    if not current_user.is_authenticated or not current_user.has_role(SUPERVISOR):
        message = "Your account does not have access to this page."
        return render_template(
            "errors/error.html", code=403, title="Not allowed", message=message
        ), 403
    form = StaffImportForm(formdata=None)
    form.file.errors = [too_big_message(request.content_length)]
    return _upload_page(form, 400)


def _download(data: bytes, name: str, mimetype: str):
    """Send bytes as a file to save, never cached."""
    response = send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    return response


# ----- a week's rota -----------------------------------------------------------------------


def _rota(site_id: int, week_text: str) -> Rota:
    """The version of a site's week asked for by ``?version=`` (else the latest), or 404."""
    site = db.get_or_404(Site, site_id)
    try:
        monday = date.fromisoformat(week_text)
    except ValueError:
        abort(404)
    if not dates.in_range(monday):
        abort(404, description=dates.WEEK_MESSAGE)
    rota = rota_pages.find_version(site.id, monday, request.args.get("version", type=database_int))
    if rota is None:
        abort(404, description="This week has no rota to export yet.")
    return rota


@bp.get("/week/<int:site_id>/<week>/by-person.csv", defaults={"view": "person"})
@bp.get("/week/<int:site_id>/<week>/by-station.csv", defaults={"view": "station"})
@roles_required(*MANAGERS)
def week_csv(site_id: int, week: str, view: str):
    """The week as CSV, by person (a column per day) or by station (a column per shift)."""
    rota = _rota(site_id, week)
    sheet = week_sheets.person_sheet(rota) if view == "person" else week_sheets.station_sheet(rota)
    return _download(tables.to_csv(sheet), f"{week_sheets.file_stem(rota)}-by-{view}.csv", CSV)


@bp.get("/week/<int:site_id>/<week>/rota.xlsx")
@roles_required(*MANAGERS)
def week_xlsx(site_id: int, week: str):
    """The week as an Excel workbook with a sheet by person and a sheet by station."""
    rota = _rota(site_id, week)
    data = tables.to_xlsx(
        [week_sheets.person_sheet(rota), week_sheets.station_sheet(rota)],
        week_sheets.week_title(rota),
    )
    return _download(data, f"{week_sheets.file_stem(rota)}.xlsx", XLSX)


# ----- the staff file ---------------------------------------------------------------------------


def _people() -> tuple[list[Staff], str]:
    """Everyone at the site of ``?site=`` (404 when unknown), or everyone; and a file name part."""
    query = db.select(Staff)
    label = "all-sites"
    if "site" in request.args:
        site = db.get_or_404(Site, request.args.get("site", type=database_int) or 0)
        query = query.where(Staff.home_site_id == site.id)
        label = week_sheets.slug(site.name)
    people = db.session.scalars(query).all()
    people = sorted(
        people,
        key=lambda p: (p.home_site.name.casefold(), ROLE_ORDER.index(p.role), p.name.casefold()),
    )
    return people, label


@bp.get("/staff.csv")
@roles_required(*MANAGERS)
def staff_csv():
    """Staff and their competencies as CSV, in the format the import reads."""
    people, label = _people()
    return _download(tables.to_csv(staff_file.staff_sheet(people)), f"staff-{label}.csv", CSV)


@bp.get("/staff.xlsx")
@roles_required(*MANAGERS)
def staff_xlsx():
    """Staff and their competencies as Excel, with drop-downs and a sheet of competency codes."""
    people, label = _people()
    data = tables.to_xlsx(
        [staff_file.staff_sheet(people), staff_file.legend_sheet()], "Staff and competencies"
    )
    return _download(data, f"staff-{label}.xlsx", XLSX)


def _upload_page(form: StaffImportForm, status: int = 200):
    """The upload page with the file format explained."""
    form.file.description = (
        f"A .csv or .xlsx file in the format of the staff export, one row "
        f"per person; at most {megabytes(_upload_limit())}."
    )
    return render_template(
        "sheets/import.html",
        form=form,
        columns=staff_file.STAFF_COLUMNS,
        required=staff_file.REQUIRED,
        competencies=staff_file.competencies(),
        sites=all_sites(),
    ), status


@bp.route("/staff/import", methods=["GET", "POST"])
@roles_required(SUPERVISOR)
def staff_import():
    """Upload a staff file; it is kept on the server and shown as a preview, nothing saved."""
    form = StaffImportForm()
    if not form.validate_on_submit():
        return _upload_page(form, 400 if request.method == "POST" else 200)
    upload = form.file.data
    data = upload.read()
    try:
        plan_import(data, upload.filename)
    except tables.SheetError as error:
        form.file.errors = [str(error)]
        return _upload_page(form, 400)
    kept = pending.save(current_user.id, upload.filename, data)
    return redirect(url_for("sheets.staff_preview", token=kept.token))


def _pending_or_restart(token: str):
    """The caller's upload of this token, or None after flashing that it must be uploaded again."""
    upload = pending.load(token, current_user.id)
    if upload is None:
        flash(
            "That upload has expired or was already used; please upload the file again. "
            "Nothing was saved.",
            "error",
        )
    return upload


def _preview(upload: pending.PendingUpload, plan: ImportPlan, notice: str = ""):
    """The preview of an import: each row's outcome, every problem, confirm only when clean."""
    pending.remember_preview(upload, plan.fingerprint)
    return render_template(
        "sheets/preview.html",
        plan=plan,
        upload=upload,
        form=ConfirmImportForm(),
        notice=notice,
        minutes=pending.LIFETIME_SECONDS // 60,
    )


@bp.get("/staff/import/<token>")
@roles_required(SUPERVISOR)
def staff_preview(token: str):
    """What importing the uploaded file would do, row by row; nothing is saved yet."""
    upload = _pending_or_restart(token)
    if upload is None:
        return redirect(url_for("sheets.staff_import"))
    return _preview(upload, plan_import(upload.data, upload.filename))


@bp.post("/staff/import/<token>/confirm")
@roles_required(SUPERVISOR)
def staff_confirm(token: str):
    """Apply the previewed import in one transaction, when nothing changed since the preview."""
    upload = _pending_or_restart(token)
    if upload is None:
        return redirect(url_for("sheets.staff_import"))
    if not ConfirmImportForm().validate_on_submit():
        flash("The form expired; please confirm again.", "error")
        return redirect(url_for("sheets.staff_preview", token=token))
    plan = plan_import(upload.data, upload.filename)
    if plan.fingerprint != upload.fingerprint:
        notice = (
            "Staff records changed since this preview was made, so nothing was saved. "
            "Check the preview again, then confirm."
        )
        return _preview(upload, plan, notice)
    if not plan.can_apply:
        return _preview(
            upload,
            plan,
            "Nothing was saved: fix the problems below in the file and upload it again.",
        )
    counts = apply_import(plan)
    pending.discard(token)
    flash(
        f"Imported {upload.filename}: {counts['new']} new, {counts['update']} updated, "
        f"{counts['unchanged']} unchanged.",
        "success",
    )
    return redirect(url_for("staff.index"))


@bp.post("/staff/import/<token>/cancel")
@roles_required(SUPERVISOR)
def staff_cancel(token: str):
    """Forget an uploaded file without importing it."""
    if pending.load(token, current_user.id) is not None:
        pending.discard(token)
        flash("Import cancelled; nothing was saved.", "info")
    return redirect(url_for("staff.index"))
