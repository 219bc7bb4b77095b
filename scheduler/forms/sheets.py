"""Forms for spreadsheets: uploading a staff file, and confirming or cancelling its import."""

from __future__ import annotations

from flask import current_app
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField
from wtforms.validators import StopValidation

from .base import AppForm

UPLOAD_LIMIT = 2 * 1024 * 1024  # bytes; the app setting SHEETS_UPLOAD_LIMIT overrides it


def upload_limit() -> int:
    """The largest staff file accepted, in bytes."""
    return int(current_app.config.get("SHEETS_UPLOAD_LIMIT", UPLOAD_LIMIT))


def megabytes(size: int) -> str:
    """A size in bytes as people read it, e.g. '10.0 MB' or '2 MB'."""
    mb = size / (1024 * 1024)
    return f"{mb:g} MB" if mb.is_integer() else f"{mb:.1f} MB"


def too_big_message(size: int | None) -> str:
    """Why an upload was refused for its size, and what to do instead."""
    what = f"The file is {megabytes(size)}" if size else "The file is too large"
    return (
        f"{what}; the largest file accepted is {megabytes(upload_limit())}. A staff file "
        "is usually far smaller: remove other sheets or pictures, or split it."
    )


def file_size(_form, field) -> None:
    """Refuse an empty file, or one larger than the upload limit, before reading it."""
    stream = field.data.stream
    size = stream.seek(0, 2)
    stream.seek(0)
    if size == 0:
        raise StopValidation("The file is empty.")
    if size > upload_limit():
        raise StopValidation(too_big_message(size))


class StaffImportForm(AppForm):
    """A staff and competency file to preview before anything is saved."""

    file = FileField(
        "Staff file (CSV or Excel)",
        validators=[
            FileRequired("Choose a file to upload."),
            FileAllowed(["csv", "xlsx"], "Upload a .csv or .xlsx file."),
            file_size,
        ],
        description="In the format of the staff export: one row per person. At most 2 MB.",
    )
    submit = SubmitField("Upload and preview")


class ConfirmImportForm(AppForm):
    """Apply a previewed import (a button, with its CSRF token)."""

    submit = SubmitField("Import")
