"""Trainers and pharmacists-in-charge sign off competencies."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("signoff", __name__, url_prefix="/signoff")
