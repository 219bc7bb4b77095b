"""On a machine without Chromium or WeasyPrint's libraries, the tests needing them are skipped,
saying which command installs what is missing; with ``REQUIRE_BROWSER``/``REQUIRE_PDF`` (as in
CI) they fail instead.

The checks are tried on paths and probes given to them; the whole run, in a pytest of its own
where Chromium's path (``CHROMIUM``) names nothing and a stand-in ``weasyprint`` on
``PYTHONPATH`` warns as WeasyPrint does without HarfBuzz-Subset. Both overrides reach only that
inner run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .system_parts import (
    INSTALL_CHROMIUM,
    INSTALL_PDF_LIBRARIES,
    chromium_missing,
    pdf_libraries_missing,
)

ROOT = Path(__file__).resolve().parents[1]

# WeasyPrint 70's warning when HarfBuzz-Subset is missing (weasyprint/text/ffi.py).
HARFBUZZ_WARNING = (
    "import warnings\n"
    "warnings.warn('HarfBuzz-Subset will be required by future versions of WeasyPrint. '\n"
    "              'Please install this library with your package manager.',\n"
    "              category=DeprecationWarning)\n"
)


def test_a_missing_chromium_names_the_path_and_the_command_that_installs_it(tmp_path):
    reason = chromium_missing(tmp_path / "chromium")
    assert reason is not None
    assert f"{tmp_path / 'chromium'} is missing" in reason
    assert f"`{INSTALL_CHROMIUM}`" in reason


def test_a_chromium_that_is_not_an_executable_file_is_missing_too(tmp_path):
    plain = tmp_path / "chromium"
    plain.write_text("not a browser")
    plain.chmod(0o644)
    assert "is not an executable file" in chromium_missing(plain)
    assert "is not an executable file" in chromium_missing(tmp_path)  # a folder


def test_an_executable_chromium_is_there(tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    assert chromium_missing(browser) is None


def test_a_probe_that_warns_as_weasyprint_without_harfbuzz_subset_is_a_missing_library():
    reason = pdf_libraries_missing([sys.executable, "-W", "error", "-c", HARFBUZZ_WARNING])
    assert reason is not None
    assert "DeprecationWarning: HarfBuzz-Subset will be required" in reason
    assert f"`{INSTALL_PDF_LIBRARIES}`" in reason


def test_a_probe_that_cannot_start_is_a_missing_library(tmp_path):
    reason = pdf_libraries_missing([str(tmp_path / "no-python")])
    assert reason is not None
    assert "FileNotFoundError" in reason


def test_a_probe_that_succeeds_means_nothing_is_missing():
    assert pdf_libraries_missing([sys.executable, "-c", "pass"]) is None


# One browser test and one print test: skipped at setup, before their fixtures.
NEEDING_PARTS = (
    "tests/browser/test_sign_in.py",
    "tests/web/test_printing.py::test_the_pdf_fetches_nothing",
)


def inner_pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``NEEDING_PARTS`` in a pytest of its own on a machine without the parts: CHROMIUM
    names no file, and the ``weasyprint`` found first warns as one without HarfBuzz-Subset."""
    stand_in = tmp_path / "stand-in"
    (stand_in / "weasyprint").mkdir(parents=True, exist_ok=True)
    (stand_in / "weasyprint" / "__init__.py").write_text(HARFBUZZ_WARNING)
    outer = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "REQUIRE_"))}
    path = os.pathsep.join(filter(None, [str(stand_in), str(ROOT), outer.get("PYTHONPATH")]))
    inner = {**outer, "CHROMIUM": str(tmp_path / "no-chromium"), "PYTHONPATH": path, **env}
    command = [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q", "-ra"]
    command += ["--basetemp", str(tmp_path / "inner"), *NEEDING_PARTS]
    return subprocess.run(
        command, cwd=ROOT, env=inner, capture_output=True, text=True, timeout=600, check=False
    )


def test_without_the_parts_the_tests_needing_them_skip_saying_how_to_install_them(tmp_path):
    run = inner_pytest(tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.fullmatch(r"\d+ skipped in .*", run.stdout.splitlines()[-1]), run.stdout
    assert f"`{INSTALL_CHROMIUM}` enables these tests" in run.stdout
    assert f"`{INSTALL_PDF_LIBRARIES}` enables these tests" in run.stdout
    assert "HarfBuzz-Subset will be required" in run.stdout


def test_when_the_run_requires_the_parts_the_tests_needing_them_fail_at_setup(tmp_path):
    run = inner_pytest(tmp_path, REQUIRE_BROWSER="1", REQUIRE_PDF="1")
    assert run.returncode == 1, run.stdout + run.stderr
    assert re.fullmatch(r"\d+ errors? in .*", run.stdout.splitlines()[-1]), run.stdout
    assert "REQUIRE_BROWSER is set but this test needs Chromium" in run.stdout
    assert "REQUIRE_PDF is set but this test needs WeasyPrint's system libraries" in run.stdout
