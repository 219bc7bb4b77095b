"""Uploads waiting for a supervisor's confirmation, kept on the server for an hour.

The preview and the confirmation read the uploaded bytes from here, never from
anything the browser posts back: a file ``instance/imports/<token>.json`` holds
the bytes, the file name, the account that uploaded them, when, and a digest of
the preview last shown (the setting ``SHEETS_IMPORT_FOLDER`` moves the folder).
Only that account may read it, and only within the hour.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

LIFETIME_SECONDS = 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")


@dataclass
class PendingUpload:
    """An uploaded file waiting for confirmation."""

    token: str
    user_id: int
    filename: str
    data: bytes
    created: float
    fingerprint: str = ""  # digest of the preview the user last saw


def _folder() -> Path:
    """Where pending uploads are kept: ``imports/`` in the instance folder unless configured."""
    configured = current_app.config.get("SHEETS_IMPORT_FOLDER")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    """The file of a token, or None when the token is not one this module makes."""
    return _folder() / f"{token}.json" if TOKEN.fullmatch(token or "") else None


def _write(upload: PendingUpload) -> None:
    """Store an upload, replacing the file whole so a reader never sees half of it."""
    record = {
        "user_id": upload.user_id,
        "filename": upload.filename,
        "created": upload.created,
        "fingerprint": upload.fingerprint,
        "data": base64.b64encode(upload.data).decode("ascii"),
    }
    path = _path(upload.token)
    temporary = path.with_suffix(".tmp")
    with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
        json.dump(record, out)
    temporary.replace(path)


def save(user_id: int, filename: str, data: bytes) -> PendingUpload:
    """Keep an upload for its owner under a new random token (and clear out expired ones)."""
    sweep()
    upload = PendingUpload(secrets.token_urlsafe(24), user_id, filename, data, time.time())
    _write(upload)
    return upload


def load(token: str, user_id: int) -> PendingUpload | None:
    """The upload of a token when it belongs to this account and has not expired, else None."""
    path = _path(token)
    if path is None or not path.is_file():
        return None
    try:
        record = json.loads(path.read_text())
        upload = PendingUpload(
            token,
            int(record["user_id"]),
            str(record["filename"]),
            base64.b64decode(record["data"]),
            float(record["created"]),
            str(record.get("fingerprint", "")),
        )
    except (ValueError, KeyError, TypeError):
        path.unlink(missing_ok=True)
        return None
    if time.time() - upload.created > LIFETIME_SECONDS:
        path.unlink(missing_ok=True)
        return None
    if upload.user_id != user_id:
        return None
    return upload


def remember_preview(upload: PendingUpload, fingerprint: str) -> None:
    """Note the digest of the preview just shown, which a confirmation must match."""
    upload.fingerprint = fingerprint
    _write(upload)


def discard(token: str) -> None:
    """Forget an upload (after it was imported or cancelled)."""
    path = _path(token)
    if path is not None:
        path.unlink(missing_ok=True)


def sweep() -> None:
    """Delete uploads older than their hour."""
    limit = time.time() - LIFETIME_SECONDS
    for path in _folder().glob("*.json"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue
