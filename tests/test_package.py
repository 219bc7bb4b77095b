"""The package as a wheel: built from this checkout, installed in a fresh virtual environment, it
serves the sign-in page and the stylesheet, upgrades a database with its own migrations and reads
its list of common passwords, all from the installed copy (not the checkout).

Marked ``package`` (about a minute): ``pytest -m package`` runs it alone,
``pytest -m "not package"`` leaves it out.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib.util import find_spec
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]

# What the build leaves out of its copy of the checkout: version control, environments, builds
# and the files runs leave behind (all git-ignored).
NOT_BUILT = shutil.ignore_patterns(
    ".git", ".venv", "venv", "build", "dist", "*.egg-info", "instance", "artifacts",
    "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis",
)  # fmt: skip

# Run inside the fresh environment: the installed app's pages and files.
SERVE = """
import json, sys
import scheduler
from scheduler import create_app
from scheduler.services.accounts import common_passwords

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "package-test",
                  "REDIS_URL": None})
client = app.test_client()
pages = {}
for url in ("/auth/login", "/static/css/app.css", "/favicon.ico"):
    response = client.get(url)
    pages[url] = [response.status_code, response.get_data().decode("utf-8", "replace")]
    response.close()
print(json.dumps({"package": scheduler.__file__, "templates": app.template_folder,
                  "static": app.static_folder, "pages": pages,
                  "common_passwords": len(common_passwords())}))
"""


def builds_here() -> bool:
    """Whether this environment can build the wheel itself (no download): setuptools 70.1 or
    later, or an older one (68 or later, as pyproject.toml asks) with ``wheel`` beside it.
    The test extras install such a setuptools; otherwise pip fetches one to build with."""
    try:
        version = Version(importlib.metadata.version("setuptools"))
    except importlib.metadata.PackageNotFoundError:
        return False
    return version >= Version("70.1") or (
        version >= Version("68") and find_spec("wheel") is not None
    )


def run(*command: str | Path, **options) -> subprocess.CompletedProcess[str]:
    """Run a command; a failure shows its output."""
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, check=False, **options
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.mark.package
def test_the_built_wheel_serves_the_sign_in_page_from_a_fresh_environment(tmp_path):
    source, dist, venv, elsewhere = (tmp_path / name for name in ("src", "dist", "venv", "cwd"))
    shutil.copytree(ROOT, source, ignore=NOT_BUILT)
    no_isolation = ["--no-build-isolation"] if builds_here() else []
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *no_isolation,
        "-w", dist, source)  # fmt: skip
    (wheel,) = dist.glob("pharmacy_scheduler-*.whl")

    # A fresh environment with the wheel installed; the app's dependencies are this
    # environment's, on its path after the wheel (plain paths: no editable install comes along).
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel)
    site_packages = Path(
        run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        ).stdout.strip()
    )
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site_packages / "test_dependencies.pth").write_text("\n".join(sorted(outer)) + "\n")

    # From a folder outside the checkout, without PYTHONPATH: the installed copy or nothing.
    elsewhere.mkdir()
    database = f"sqlite:///{tmp_path / 'installed.sqlite'}"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FLASK_APP")}
    env["DATABASE_URL"] = database
    run(python, "-I", "-m", "flask", "--app", "scheduler", "db", "upgrade", cwd=elsewhere, env=env)
    served = json.loads(run(python, "-I", "-c", SERVE, database, cwd=elsewhere, env=env).stdout)

    installed = site_packages / "scheduler"
    assert Path(served["package"]).parent == installed
    assert Path(served["templates"]) == installed / "templates"
    assert Path(served["static"]) == installed / "static"
    status, sign_in = served["pages"]["/auth/login"]
    assert status == 200
    assert "Sign in" in sign_in
    assert 'href="/static/css/app.css"' in sign_in
    status, css = served["pages"]["/static/css/app.css"]
    assert status == 200
    assert css == (ROOT / "static" / "css" / "app.css").read_text(encoding="utf-8")
    assert served["pages"]["/favicon.ico"][0] == 200
    assert served["common_passwords"] > 200
