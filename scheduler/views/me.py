"""A technician's own page: shifts, skills, goals, certifications, wishes."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("me", __name__, url_prefix="/me")
