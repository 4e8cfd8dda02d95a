"""`assess report`: the diagnostic PDF of an answers CSV, the same one the web app builds;
`assess report-batch`: every CSV of a folder, in parallel, with a progress bar."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .common import BadInput, questionnaire_option, read_answers

if TYPE_CHECKING:
    from questionnaires import Questionnaire

    from ..console.reporting import RoundReport
    from ..report import Branding

PAGE_SIZES = click.Choice(["A4", "Letter"], case_sensitive=False)
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _branding(consultant: str, logo: str | None, colour: str) -> Branding:
    from ..report import Branding

    if not COLOUR.fullmatch(colour):
        raise BadInput(f"--colour: expected a colour like #1f5f8b, not {colour!r}")
    if logo and not Path(logo).is_file():
        raise BadInput(f"--logo: no such file: {logo}")
    return Branding(consultant, logo, colour)


def render_csv(answers_path: str | Path, q: Questionnaire, *, org: str, round_name: str,
               previous: str | Path | None = None, by: str | None = None,
               consultant: Branding | None = None, page_size: str = "A4") -> bytes:
    """Read, score and render one answers CSV (BadInput on a bad file)."""
    from scoring import score as score_answers

    from ..report import build_quick_report, build_team_report

    current = read_answers(answers_path, q)
    if q.audience != "team":
        result = score_answers(current, q)
        return build_quick_report(result, q, org=org, page_size=page_size)
    before = read_answers(previous, q, apply_lineage=True) if previous else None
    result = score_answers(current, q, by=by, previous=before)
    return build_team_report(result, q, org=org, round_name=round_name,
                             consultant=consultant, page_size=page_size)


def _write(out: str | Path, data: bytes) -> None:
    path = Path(out)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInput(f"--out: cannot write {path}: {exc.strerror}") from None


@click.command("report")
@click.argument("answers", type=click.Path(dir_okay=False), required=False)
@click.option("--questionnaire", "ref", metavar="KEY@VERSION",
              help="e.g. team-ecosystem@1 (ceo-quick@1 gives the CEO quick report)")
@click.option("--org", help="organisation named on the cover")
@click.option("--out", required=True, type=click.Path(),
              help="PDF to write (with --all-rounds: a folder)")
@click.option("--previous", type=click.Path(dir_okay=False),
              help="answers of the previous round, for the trend")
@click.option("--by", type=click.Choice(["role", "team"]), default="role", show_default=True,
              help="segment the heatmap by")
@click.option("--round", "round_name", default="", help="round name for the header")
@click.option("--page-size", type=PAGE_SIZES, default="A4", show_default=True)
@click.option("--consultant", default="", help="consultant name for the cover")
@click.option("--logo", type=click.Path(dir_okay=False), help="consultant logo (PNG/JPEG)")
@click.option("--colour", default="#1f5f8b", show_default=True, help="accent colour")
@click.option("--all-rounds", is_flag=True,
              help="every round in the database with enough answers, in parallel")
@click.option("--for", "for_email", metavar="EMAIL",
              help="with --all-rounds: only this consultant's clients")
@click.option("--jobs", type=click.IntRange(min=1), default=min(2, os.cpu_count() or 1),
              show_default=True, help="with --all-rounds: worker processes")
def report(answers: str | None, ref: str | None, org: str | None, out: str,
           previous: str | None, by: str, round_name: str, page_size: str, consultant: str,
           logo: str | None, colour: str, all_rounds: bool, for_email: str | None,
           jobs: int) -> None:
    """Build the diagnostic PDF report of ANSWERS (an answers CSV), or of every round."""
    if all_rounds:
        if answers or ref or org or previous:
            raise BadInput("--all-rounds reads the rounds from the database: give no ANSWERS, "
                           "--questionnaire, --org or --previous")
        _all_rounds(Path(out), for_email, page_size, jobs)
        return
    if not answers:
        raise BadInput("give an ANSWERS csv (or --all-rounds)")
    if not ref:
        raise BadInput("--questionnaire is required with an ANSWERS csv")
    if not org or not org.strip():
        raise BadInput("--org: the organisation name must not be empty")
    from ..report import ReportError  # the PDF builder: loaded once the arguments are sound

    q = questionnaire_option(ref)
    branding = _branding(consultant, logo, colour)
    try:
        data = render_csv(answers, q, org=org, round_name=round_name, previous=previous,
                          by=by, consultant=branding, page_size=page_size)
    except ReportError as exc:
        raise BadInput(str(exc)) from None
    _write(out, data)
    click.echo(f"wrote {out} ({len(data) // 1024} KB)")


def _all_rounds(out: Path, for_email: str | None, page_size: str, jobs: int) -> None:
    """Score every round with enough answers here, then render the PDFs in workers: they
    need no app and no database, only the prepared report."""
    import sqlalchemy as sa

    from ..console import reporting
    from ..errors import AppError
    from ..extensions import db
    from ..models import Account, Organisation, Response, Round
    from .database import database

    with database():
        query = (sa.select(Round.id, Organisation.name, Round.title, Round.min_group_size,
                           sa.func.count(Response.id))
                 .join(Organisation).outerjoin(Response, Response.round_id == Round.id)
                 .group_by(Round.id, Organisation.name, Round.title, Round.min_group_size)
                 .order_by(Round.id))
        if for_email:
            consultant = db.session.scalar(sa.select(Account).filter_by(
                email=for_email.strip().lower()))
            if consultant is None:
                raise BadInput(f"--for: no consultant with e-mail {for_email}")
            query = query.where(Organisation.consultant_id == consultant.id)
        rounds = db.session.execute(query).all()
        for round_id, org, title, k, count in rounds:
            if count < k:
                click.echo(f"skipped round {round_id} ({org}, {title}): {count} of the {k} "
                           "answers a report needs")
        ready = [r for r in rounds if r[4] >= r[3]]
        if not ready:
            raise BadInput("no round has enough answers for a report")
        tasks, failures = [], []
        for round_id, org, title, _k, _count in ready:
            target = out / f"{_slug(org)}__{_slug(title)}__round-{round_id}.pdf"
            try:
                tasks.append((_portable(reporting.prepare(round_id)), target, page_size))
            except AppError as exc:
                failures.append(f"round {round_id}: {exc}")
    out.mkdir(parents=True, exist_ok=True)
    _in_parallel(_round_pdf, tasks, jobs, out, label=lambda round_id: f"round {round_id}",
                 failures=failures)


def _portable(report: RoundReport) -> dict[str, Any]:
    """A prepared round for a worker process: its questionnaire does not pickle, so it
    travels as its file's path and is loaded again there."""
    fields = dict(vars(report))
    fields["q"] = report.q.path
    return fields


def _round_pdf(fields: dict[str, Any], target: Path, page_size: str) -> tuple[int, str | None]:
    """Runs in a worker process; returns (round id, error message or None)."""
    from questionnaires import load_file

    from ..console.reporting import RoundReport, team_pdf
    from ..report import ReportError

    try:
        report = RoundReport(**(fields | {"q": load_file(fields["q"])}))
        target.write_bytes(team_pdf(report, page_size=page_size))
        return fields["round_id"], None
    except (ReportError, OSError) as exc:
        return fields["round_id"], str(exc)


def _in_parallel(work: Callable[..., tuple[Any, str | None]], tasks: list[tuple],
                 jobs: int, out: Path | str, *, label: Callable[[Any], str] = str,
                 failures: list[str] | None = None) -> None:
    """Run report jobs in worker processes with a progress bar; each returns
    (what, error or None). All failures (and earlier ones) are reported together, exit
    code 2."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    failures = list(failures or [])
    total = len(tasks) + len(failures)
    # spawn, not fork: forking a process that may hold threads (fonts, pools) can deadlock
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool, \
            click.progressbar(length=len(tasks), label="reports") as bar:
        futures = [pool.submit(work, *task) for task in tasks]
        for future in as_completed(futures):
            what, error = future.result()
            if error:
                failures.append(f"{label(what)}: {error}")
            bar.update(1)
    click.echo(f"wrote {total - len(failures)} of {total} reports to {out}")
    if failures:
        raise BadInput("\n".join(failures))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:60] or "untitled"


@dataclass(frozen=True)
class Job:
    source: Path
    target: Path
    org: str
    round_name: str


def _batch_one(job: Job, ref: str, by: str | None, page_size: str,
               consultant: Branding) -> tuple[str, str | None]:
    """Runs in a worker process; returns (file name, error message or None)."""
    from ..report import ReportError

    try:
        q = questionnaire_option(ref)
        data = render_csv(job.source, q, org=job.org, round_name=job.round_name, by=by,
                          consultant=consultant, page_size=page_size)
        job.target.write_bytes(data)
        return job.source.name, None
    except (click.ClickException, ReportError, OSError) as exc:
        message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        return job.source.name, message


def batch_jobs(folder: Path, out: Path) -> list[Job]:
    """`<org>__<round>.csv` files of a folder, in name order."""
    jobs = []
    for source in sorted(folder.glob("*.csv")):
        org, _, round_name = source.stem.partition("__")
        jobs.append(Job(source, out / f"{source.stem}.pdf", org.replace("_", " "),
                        round_name.replace("_", " ")))
    return jobs


@click.command("report-batch")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--questionnaire", "ref", required=True, metavar="KEY@VERSION")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="folder for the PDFs (created if missing)")
@click.option("--by", type=click.Choice(["role", "team"]), default="role", show_default=True)
@click.option("--page-size", type=PAGE_SIZES, default="A4", show_default=True)
@click.option("--consultant", default="")
@click.option("--colour", default="#1f5f8b", show_default=True)
@click.option("--jobs", type=click.IntRange(min=1), default=min(2, os.cpu_count() or 1),
              show_default=True, help="worker processes")
def report_batch(folder: str, ref: str, out_dir: str, by: str, page_size: str,
                 consultant: str, colour: str, jobs: int) -> None:
    """Build a report for every FOLDER/<org>__<round>.csv, in parallel."""
    questionnaire_option(ref)  # fail fast on a bad reference
    branding = _branding(consultant, None, colour)
    source = Path(folder)
    if not source.is_dir():
        raise BadInput(f"{folder}: no such folder")
    work = batch_jobs(source, Path(out_dir))
    if not work:
        raise BadInput(f"{folder}: no .csv files")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    _in_parallel(_batch_one, [(job, ref, by, page_size, branding) for job in work], jobs,
                 out_dir)


COMMANDS = (report, report_batch)
