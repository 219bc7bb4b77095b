"""Rotas: generate, read, explain, adjust, publish."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rotas", __name__, url_prefix="/rotas")
