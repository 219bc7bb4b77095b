"""Printing: a week's rota as a print page, one person's sheet, and a PDF download."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for

from ..extensions import db
from ..models import Rota, Staff
from ..security import MANAGERS, roles_required
from ..services import printing

bp = Blueprint("printing", __name__, url_prefix="/print")


def _document(rota_id: int, chart_only: bool = False) -> printing.PrintDocument:
    """The print layout of a rota version (404 when there is no such rota)."""
    return printing.document(db.get_or_404(Rota, rota_id), chart_only=chart_only)


def _chart_only() -> bool:
    """Whether ``?only=chart`` asks for the wall chart alone (404 for any other ``only``)."""
    only = request.args.get("only")
    if only not in (None, "chart"):
        abort(404, description="Print the whole week, or only=chart for the wall chart alone.")
    return only == "chart"


@bp.get("/rota/<int:rota_id>")
@roles_required(*MANAGERS)
def rota_page(rota_id: int):
    """The print page of a week: wall chart, one sheet per person, compliance; a print button.
    With ``?only=chart``, the wall chart alone."""
    doc = _document(rota_id, _chart_only())
    return render_template("print/rota.html", doc=doc, papers=printing.PAPER_NAMES)


@bp.get("/rota/<int:rota_id>.pdf")
@roles_required(*MANAGERS)
def rota_pdf(rota_id: int):
    """The print page as a landscape PDF (A4; ``?paper=`` a3, letter or tabloid), the whole
    week or, with ``?only=chart``, the wall chart alone."""
    paper = request.args.get("paper", "a4").lower()
    if paper not in printing.PAPER_SIZES:
        abort(404, description="Paper sizes: a4, a3, letter or tabloid.")
    doc = _document(rota_id, _chart_only())
    html = render_template("print/pdf.html", doc=doc, paper=paper)
    stylesheet = Path(current_app.static_folder) / "css" / "print.css"
    chart = html
    if not doc.chart_only:  # the chart's page, laid out alone to size its type
        chart = render_template("print/pdf.html", doc=replace(doc, chart_only=True), paper=paper)
    return send_file(
        BytesIO(printing.print_pdf(html, chart, stylesheet, paper)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=printing.pdf_filename(doc.rota, doc.chart_only),
    )


@bp.errorhandler(printing.PdfUnavailable)
def no_pdf(error: printing.PdfUnavailable):
    """A server without WeasyPrint's libraries: say so, and offer the print page instead."""
    only = {"only": "chart"} if request.args.get("only") == "chart" else {}
    page = url_for("printing.rota_page", rota_id=request.view_args["rota_id"], **only)
    return render_template("print/no_pdf.html", message=str(error), page=page), 503


@bp.get("/rota/<int:rota_id>/person/<int:staff_id>")
@roles_required(*MANAGERS)
def person_sheet(rota_id: int, staff_id: int):
    """One person's sheet for a week (404 when they have no shift on this rota)."""
    doc = _document(rota_id)
    staff = db.get_or_404(Staff, staff_id)
    sheet = next((s for s in doc.sheets if s.staff.id == staff.id), None)
    if sheet is None:
        abort(404, description=f"{staff.name} has no shift on this rota.")
    return render_template("print/person.html", doc=doc, sheet=sheet, papers=printing.PAPER_NAMES)
