"""Staff, their skills, certifications, leave and offers (supervisor)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")
