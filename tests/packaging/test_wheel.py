"""The wheel works on its own.

Built from a copy of the checkout (so the build leaves nothing behind), installed into a
fresh virtualenv outside it, and used from a folder outside it: `assess demo`, a survey
page from `assess serve`, a PDF from `assess report`, and `flask db upgrade` of an empty
database. To stay fast and offline, the new virtualenv borrows this one's installed
dependencies through a .pth line; the checkout's editable `assess` is not among them
(that .pth is not processed), which the first test proves.
"""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
SOURCES = ("assess", "questionnaires", "scoring", "templates")


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    work: Path  # an empty folder outside the checkout, the commands' working directory
    env: dict[str, str]

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(args, cwd=self.work, env=self.env | env, text=True,
                              capture_output=True, timeout=120)
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
        return done

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in SOURCES:
        shutil.copytree(CHECKOUT / name, source / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "instance"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(CHECKOUT / name, source / name)
    dist = root / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", "--wheel-dir", str(dist),
                    str(source)], check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("assess-*.whl")

    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"),
                    "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, timeout=300)
    site = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")

    work = root / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "DATABASE_URL", "VIRTUAL_ENV")
           and not k.startswith(("ASSESS_", "FLASK_"))}
    env["ASSESS_INSTANCE_PATH"] = str(root / "instance")
    return Installed(wheel, venv, work, env)


def test_the_wheel_holds_every_module_template_and_migration(installed):
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for package in ("assess", "questionnaires", "scoring"):
        for path in (CHECKOUT / package).rglob("*"):
            relative = path.relative_to(CHECKOUT).as_posix()
            if path.suffix in (".py", ".yaml", ".css", ".ini", ".mako") \
                    and "__pycache__" not in relative:
                assert relative in names, f"{relative} is not in the wheel"
    for path in (CHECKOUT / "templates").rglob("*.*"):
        relative = "assess/templates/" + path.relative_to(CHECKOUT / "templates").as_posix()
        assert relative in names, f"{relative} is not in the wheel"


def test_the_installed_package_is_the_one_imported(installed):
    done = installed.run(installed.bin("python"), "-c",
                         "import assess, questionnaires, scoring\n"
                         "from assess import templates_folder\n"
                         "for m in (assess, questionnaires, scoring): print(m.__file__)\n"
                         "print(templates_folder())")
    paths = [Path(line) for line in done.stdout.splitlines()]
    assert len(paths) == 4
    for path in paths:
        assert path.is_relative_to(installed.venv), path
    assert paths[-1].name == "templates" and paths[-1].parent.name == "assess"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, deadline: float) -> str:
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except urllib.error.HTTPError:
            raise
        except OSError:  # not listening yet
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_demo_then_serve_a_survey_page(installed):
    port = _free_port()
    demo = installed.run(installed.bin("assess"), "demo", "--base-url",
                         f"http://127.0.0.1:{port}")
    lines = dict(line.split(": ", 1) for line in demo.stdout.splitlines())
    assert set(lines) == {"survey", "ceo", "login", "round"}
    server = subprocess.Popen([installed.bin("assess"), "serve", "--port", str(port)],
                              cwd=installed.work, env=installed.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        survey = _get(lines["survey"], deadline)
        assert "Acme Industrial (demo)" in survey
        assert 'name="csrf_token"' in survey
        assert "body" in _get(f"http://127.0.0.1:{port}/static/style.css", deadline)
        assert 'id="begin"' in _get(lines["ceo"], deadline)
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    # The route, not the path: no client address, no link token logged.
    assert "GET /s/<token>" in log and "127.0.0.1 -" not in log
    assert lines["survey"].rsplit("/", 1)[1] not in log


def test_report_renders_a_pdf(installed):
    installed.run(installed.bin("assess"), "sample", "-n", "30", "--questionnaire",
                  "team-ecosystem@1", "--out", "answers.csv")
    done = installed.run(installed.bin("assess"), "report", "answers.csv", "--questionnaire",
                         "team-ecosystem@1", "--org", "Acme", "--out", "report.pdf")
    assert "wrote report.pdf" in done.stdout
    assert (installed.work / "report.pdf").read_bytes().startswith(b"%PDF")


def test_flask_db_upgrade_creates_an_empty_database(installed):
    database = installed.work / "fresh.sqlite"
    env = {"DATABASE_URL": f"sqlite:///{database}", "ASSESS_SECRET_KEY": "wheel-test"}
    installed.run(installed.bin("python"), "-m", "flask", "--app", "assess:create_app",
                  "db", "upgrade", **env)
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert {"response", "round", "questionnaire_version"} <= tables and revision
    current = installed.run(installed.bin("python"), "-m", "flask", "--app",
                            "assess:create_app", "db", "current", **env)
    assert f"{revision} (head)" in current.stdout
