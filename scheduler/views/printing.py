"""Printing: a week's rota as a print page, one person's sheet, and a PDF download."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file

from ..extensions import db
from ..models import Rota, Staff
from ..security import MANAGERS, roles_required
from ..services import printing
from ..services.rotas import day_label, shift_times

bp = Blueprint("printing", __name__, url_prefix="/print")

HELPERS = {"day_label": day_label, "shift_times": shift_times}


def _document(rota_id: int) -> printing.PrintDocument:
    """The print layout of a rota version (404 when there is no such rota)."""
    return printing.document(db.get_or_404(Rota, rota_id))


@bp.get("/rota/<int:rota_id>")
@roles_required(*MANAGERS)
def rota_page(rota_id: int):
    """The print page of a week: wall chart, one sheet per person, compliance; a print button."""
    doc = _document(rota_id)
    return render_template("print/rota.html", doc=doc, **HELPERS)


@bp.get("/rota/<int:rota_id>.pdf")
@roles_required(*MANAGERS)
def rota_pdf(rota_id: int):
    """The print page as a landscape PDF (A4, or US Letter with ``?paper=letter``)."""
    paper = request.args.get("paper", "a4").lower()
    if paper not in printing.PAPER_SIZES:
        abort(404, description="Paper sizes: a4 or letter.")
    doc = _document(rota_id)
    html = render_template("print/pdf.html", doc=doc, **HELPERS)
    stylesheet = Path(current_app.static_folder) / "css" / "print.css"
    pdf = printing.render_pdf(html, stylesheet, paper)
    return send_file(
        BytesIO(pdf),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=printing.pdf_filename(doc.rota),
    )


@bp.get("/rota/<int:rota_id>/person/<int:staff_id>")
@roles_required(*MANAGERS)
def person_sheet(rota_id: int, staff_id: int):
    """One person's sheet for a week (404 when they have no shift on this rota)."""
    doc = _document(rota_id)
    staff = db.get_or_404(Staff, staff_id)
    sheet = next((s for s in doc.sheets if s.staff.id == staff.id), None)
    if sheet is None:
        abort(404, description=f"{staff.name} has no shift on this rota.")
    return render_template("print/person.html", doc=doc, sheet=sheet, **HELPERS)
