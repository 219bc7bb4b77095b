"""Competencies and the skills matrix."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("skills", __name__, url_prefix="/skills")
