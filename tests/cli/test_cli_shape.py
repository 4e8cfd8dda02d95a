"""The `assess` script is Flask's CLI over the factory: offline commands run without an
app, database commands live on `app.cli`, and starting either imports no heavy library."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from assess.cli import main

HEAVY = ("pandas", "numpy", "matplotlib", "weasyprint", "openpyxl", "alembic",
         "flask_migrate", "scipy")


@pytest.fixture(autouse=True)
def _dispose_engines():
    """Apps built by the commands keep pooled SQLite connections: close them."""
    yield
    from sqlalchemy.engine import Engine

    for obj in gc.get_objects():
        if isinstance(obj, Engine):
            obj.dispose()


def test_offline_commands_never_build_the_app(monkeypatch, tmp_path):
    import assess

    def no_app(*_args, **_kwargs):
        raise AssertionError("an offline command built the app")

    monkeypatch.setattr(assess, "create_app", no_app)
    runner = CliRunner()
    out = tmp_path / "answers.csv"
    assert runner.invoke(main, ["sample", "-n", "12", "--questionnaire", "team-ecosystem@1",
                                "--out", str(out)]).exit_code == 0
    done = runner.invoke(main, ["score", str(out), "--questionnaire", "team-ecosystem@1"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["respondents"] == 12
    assert runner.invoke(main, ["questionnaires", "list"]).exit_code == 0


def test_every_command_is_listed_without_building_the_app(tmp_path, monkeypatch):
    """`assess --help` lists the database commands too, and builds no app for that (no
    secret key is made, no database touched)."""
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("ASSESS_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    done = CliRunner().invoke(main, ["--help"])
    assert done.exit_code == 0, done.output
    listed = {line.split()[0] for line in done.output.split("Commands:")[1].splitlines()
              if line.strip()}
    assert {"score", "sample", "questionnaires", "report", "report-batch", "serve", "demo",
            "export", "import", "backup", "db"} <= listed
    assert not {"run", "shell", "routes"} & listed  # `assess serve` serves
    assert "--app" not in done.output  # it would be ignored: the script's app is fixed
    assert not (tmp_path / "instance").exists()


def test_a_changed_questionnaire_stops_commands_with_a_message(tmp_path, monkeypatch):
    from questionnaires import ROOT

    root = tmp_path / "questionnaires"
    for key in ("team-ecosystem", "ceo-quick"):
        shutil.copytree(ROOT / key, root / key)
    monkeypatch.setenv("ASSESS_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("ASSESS_QUESTIONNAIRES_ROOT", str(root))
    monkeypatch.delenv("ASSESS_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    published = root / "team-ecosystem" / "v1.yaml"
    published.write_text(published.read_text() + "\n# edited after publishing\n")
    done = CliRunner().invoke(main, ["export", "1"])
    assert done.exit_code == 2, done.output
    assert "team-ecosystem@1 changed since it was published" in done.output
    assert "Traceback" not in done.output


def _imported_after(args: list[str], tmp_path: Path) -> list[str]:
    """Run `assess ARGS` in a fresh interpreter; the heavy modules it imported."""
    code = ("import sys\nfrom assess.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    assert not exit.code\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    env = dict(os.environ, ASSESS_INSTANCE_PATH=str(tmp_path / "instance"))
    env.pop("ASSESS_SECRET_KEY", None)
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1].replace("'", '"'))


@pytest.mark.parametrize("seeded", [False, True], ids=["fresh", "after-demo"])
def test_help_builds_the_app_without_heavy_libraries(tmp_path, seeded):
    if seeded:  # stored questionnaire hashes are checked at start, without the loader
        env = dict(os.environ, ASSESS_INSTANCE_PATH=str(tmp_path / "instance"))
        env.pop("ASSESS_SECRET_KEY", None)
        env.pop("DATABASE_URL", None)
        subprocess.run([sys.executable, "-m", "assess", "demo"], env=env, cwd=tmp_path,
                       check=True, capture_output=True, timeout=120)
    assert _imported_after(["--help"], tmp_path) == []


def test_score_imports_only_what_scoring_needs(tmp_path):
    answers = tmp_path / "answers.csv"
    made = CliRunner().invoke(main, ["sample", "-n", "12", "--questionnaire",
                                     "team-ecosystem@1", "--out", str(answers)])
    assert made.exit_code == 0
    heavy = _imported_after(["score", str(answers), "--questionnaire", "team-ecosystem@1"],
                            tmp_path)
    assert heavy == ["numpy", "pandas"]
