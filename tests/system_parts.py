"""The parts of the machine some tests need that `pip install` cannot bring: Debian's Chromium
(the browser tests) and the libraries WeasyPrint renders PDFs with (the print tests).

Each check says why those tests cannot run here, with the one command that installs what is
missing, or None when they can. ``tests/conftest.py`` skips the tests with that reason (shown in
pytest's summary), or fails them when the run requires the part (``REQUIRE_BROWSER=1``,
``REQUIRE_PDF=1``; CI sets both in ``.ci/run``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from scheduler.services.printing import PDF_PACKAGES

# The browser tests' Chromium: Debian's, unless CHROMIUM names another executable.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
INSTALL_CHROMIUM = "sudo apt-get install chromium"

# WeasyPrint's libraries (Pango, HarfBuzz with its subsetter) and a font, as the app names them.
INSTALL_PDF_LIBRARIES = f"sudo apt-get install {PDF_PACKAGES}"

# A one-paragraph PDF, made as the app makes one, with every warning an error as in the tests:
# WeasyPrint warns (DeprecationWarning) when HarfBuzz-Subset is missing, and cannot be imported
# at all without Pango.
PDF_PROBE = (
    "from weasyprint import HTML\n"
    "pdf = HTML(string='<p>A probe</p>').write_pdf()\n"
    "assert pdf.startswith(b'%PDF-'), pdf[:20]\n"
)


def chromium_missing(path: str | Path = CHROMIUM) -> str | None:
    """Why the browser tests cannot run with the Chromium at ``path``, or None when they can."""
    path = Path(path)
    if path.is_file() and os.access(path, os.X_OK):
        return None
    found = "is not an executable file" if path.exists() else "is missing"
    return (
        f"needs Chromium, and {path} {found}: `{INSTALL_CHROMIUM}` enables these tests "
        "(or set CHROMIUM to another Chromium's path)"
    )


def pdf_libraries_missing(command: Sequence[str] | None = None) -> str | None:
    """Why WeasyPrint cannot make a PDF here, or None when it can.

    ``command`` runs the check (by default ``PDF_PROBE`` in this Python, every warning an
    error); it runs in a process of its own, so a failed import leaves this one as it was.
    Its last line of error output goes into the reason.
    """
    if command is None:
        command = [sys.executable, "-W", "error", "-c", PDF_PROBE]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        problem = f"{type(error).__name__}: {error}"
    else:
        if done.returncode == 0:
            return None
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        problem = lines[-1] if lines else f"the probe exited with status {done.returncode}"
    return (
        f"needs WeasyPrint's system libraries, and a probe PDF failed ({problem}): "
        f"`{INSTALL_PDF_LIBRARIES}` enables these tests"
    )
