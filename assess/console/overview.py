"""What each console page shows, assembled from the services and the view models.

Nothing here decides a finding: results come from the engine through `assess.present`,
counts through `progress` (which hides what the anonymity module hides).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from wtforms.fields.choices import SelectChoice

from .. import questionnaire_store
from ..errors import BelowThreshold, NotFound
from ..extensions import db
from ..models import Account, Lead, Organisation, Round
from . import forms, invitations, links
from .progress import Progress, progress
from .rounds import RoundSpec, default_closes_on, default_opens_on


@dataclass(frozen=True)
class RoundCard:
    round: Round
    state: str
    progress: Progress


@dataclass(frozen=True)
class ClientCard:
    organisation: Organisation
    rounds: int
    latest: RoundCard | None


@dataclass(frozen=True)
class Home:
    clients: tuple[ClientCard, ...]
    archived: tuple[ClientCard, ...]
    leads: tuple[Lead, ...] = ()
    consultants: tuple[Account, ...] = ()


def _card(round_: Round) -> RoundCard:
    return RoundCard(round_, round_.state(), progress(round_))


def home(account: Account) -> Home:
    from .access import visible

    orgs = db.session.scalars(sa.select(Organisation).where(visible(account))
                              .order_by(Organisation.name)).all()
    cards = []
    for org in orgs:
        rounds = sorted(org.rounds, key=lambda r: r.opens_at)
        cards.append(ClientCard(org, len(rounds), _card(rounds[-1]) if rounds else None))
    leads: tuple[Lead, ...] = ()
    consultants: tuple[Account, ...] = ()
    if account.role in ("admin", "consultant"):
        query = sa.select(Lead).where(Lead.handled_at.is_(None))
        if account.role == "consultant":
            query = query.where(Lead.consultant_id == account.id)
        leads = tuple(db.session.scalars(query.order_by(Lead.created_at.desc())))
    if account.role == "admin":
        consultants = tuple(db.session.scalars(sa.select(Account).where(
            Account.role == "consultant").order_by(Account.email)))
    return Home(tuple(c for c in cards if c.organisation.archived_at is None),
                tuple(c for c in cards if c.organisation.archived_at is not None),
                leads, consultants)


@dataclass(frozen=True)
class HistoryRow:
    round: Round
    overall: str
    band: str
    respondents: int


@dataclass(frozen=True)
class ClientPage:
    organisation: Organisation
    rounds: tuple[RoundCard, ...]
    history: tuple[HistoryRow, ...]
    compare: forms.CompareForm
    people: tuple[Account, ...]  # the client's own users (CEO, HR lead)


def client(org: Organisation) -> ClientPage:
    from ..present import fmt
    from .results import history

    rounds = sorted(org.rounds, key=lambda r: r.opens_at, reverse=True)
    rows = tuple(HistoryRow(r, fmt(res.overall.score), res.overall.band or "",
                            res.respondents) for r, res in history(org))
    compare = forms.CompareForm()
    choices = [SelectChoice(row.round.public_id, row.round.title) for row in rows]
    compare.before.choices = choices
    compare.after.choices = choices
    if len(choices) >= 2:
        compare.before.data, compare.after.data = choices[-2].value, choices[-1].value
    people = tuple(db.session.scalars(sa.select(Account).where(
        Account.organisation_id == org.id).order_by(Account.email)))
    return ClientPage(org, tuple(_card(r) for r in rounds), rows, compare, people)


def history_png(org: Organisation) -> bytes:
    """Overall and area scores over the organisation's rounds: one small chart per area
    (readable with five series or fifty rounds)."""
    from .. import charts
    from .results import history

    rows = history(org)
    if not rows:
        raise NotFound("No round of this client has results yet.")
    names = [r.title for r, _ in rows]
    series: list[tuple[str, list[float | None]]] = [
        ("Overall", [res.overall.score for _, res in rows])]
    for group in rows[-1][1].groups:
        series.append((group.title, [getattr(res.group(group.key), "score", None)
                                     for _, res in rows]))
    return charts.trend_png(names, series)


def round_form(round_: Round | None = None) -> forms.RoundForm:
    from questionnaires import QuestionnaireError, load_all

    form = forms.RoundForm()
    try:
        published = [q for q in load_all(questionnaire_store.root()) if q.audience == "team"]
    except QuestionnaireError:
        published = []
    form.questionnaire.choices = [SelectChoice(q.ref, f"{q.title}, version {q.version}")
                                  for q in reversed(published)]
    if not form.is_submitted():
        form.opens_on.data = default_opens_on()
        form.closes_on.data = default_closes_on()
        form.min_group_size.data = max((q.min_group_size for q in published), default=5)
    return form


def round_spec(form: forms.RoundForm) -> RoundSpec:
    return RoundSpec(
        title=form.title.data or "", questionnaire=form.questionnaire.data or "",
        opens_on=form.opens_on.data or default_opens_on(), closes_on=form.closes_on.data,
        min_group_size=int(form.min_group_size.data or 0), teams=form.teams.data or "",
        access_mode=form.access_mode.data or "", ceo_link=form.ceo_link.data or "")


@dataclass(frozen=True)
class RoundPage:
    round: Round
    state: str
    link: str | None
    progress: Progress
    invitations: list[invitations.InvitationRow]
    invitation_counts: dict[str, int]
    mail: bool
    today: date = field(default_factory=date.today)


def round_page(round_: Round) -> RoundPage:
    return RoundPage(round_, round_.state(), links.round_link(round_)
                     if round_.accepts_link else None, progress(round_),
                     invitations.rows(round_), invitations.counts(round_),
                     invitations.mail_configured())


def round_forms(round_: Round) -> dict[str, Any]:
    return {"dates": forms.DatesForm(), "count": forms.InviteCountForm(count=10),
            "addresses": forms.AddressesForm(), "import": forms.ImportForm(),
            "ceo": forms.CeoLinkForm()}


def qr(round_: Round) -> str:
    url = links.round_link(round_)
    if url is None or not round_.accepts_link:
        raise NotFound("This round has no shared link.")
    return links.qr_svg(url)


@dataclass(frozen=True)
class ResultsPage:
    round: Round
    ready: bool
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def results_page(round_: Round) -> ResultsPage:
    from scoring.anonymity import COMMENT_THRESHOLD

    from ..present import cause_views, dimension_views, ladder_view, plan_view
    from ..present.console import gap_rows, heatmap, overall_change
    from ..present.report import comments_view
    from .results import round_results

    try:
        r = round_results(round_)
    except BelowThreshold as exc:
        return ResultsPage(round_, False, exc.message)
    q, result = r.q, r.result
    previous = r.previous[-1][1] if r.previous else None
    areas = [(g, dimension_views(q, result, g.key)) for g in result.groups]
    return ResultsPage(round_, True, data={
        "q": q, "result": result, "areas": areas,
        "change": overall_change(result, previous), "ladder": ladder_view(q, result),
        "causes": cause_views(q, result), "plan": plan_view(q, result),
        "heatmaps": [h for h in (heatmap(q, result), heatmap(q, r.by_team)) if h],
        "leadership_gaps": gap_rows(q, result, "leadership"),
        "ceo_gaps": gap_rows(q, result, "ceo"),
        "comments": comments_view(r.texts, max(COMMENT_THRESHOLD, result.min_group_size),
                                  round_.public_id, q=q),
        "pending": r.pending, "k": result.min_group_size,
    })


@dataclass(frozen=True)
class ComparisonPage:
    ready: bool
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def comparison(org: Organisation, before: str, after: str) -> ComparisonPage:
    from ..present.console import change_rows
    from .access import round_for_organisation
    from .results import compare

    if not before or not after or before == after:
        return ComparisonPage(False, "Choose two different rounds to compare.")
    try:
        c = compare(round_for_organisation(org, before), round_for_organisation(org, after))
    except BelowThreshold as exc:
        return ComparisonPage(False, exc.message)
    return ComparisonPage(True, data={
        "before": c.before, "after": c.after, "rows": change_rows(c.q, c.result),
        "plan_rows": change_rows(c.q, c.result, only=c.plan_dimensions)})
