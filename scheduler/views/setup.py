"""Site set-up: sites, stations, shift types, cover, duties, ratio rules."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("setup", __name__, url_prefix="/setup")
