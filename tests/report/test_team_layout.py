"""Every page of the team report keeps its text inside the page and off other text, and
no page but the last is more than half empty -- for a small round (k answers), a large
one (5,000), an all-weak, an all-healthy and a heavily suppressed one; the sample round
fits 8-12 pages (A4; on Letter too)."""

from __future__ import annotations

from datetime import date

import pytest

from assess.report import Branding, build_team_report
from assess.report.samples import demo
from questionnaires import load
from scoring import parse_answers, score
from scoring.synthetic import synthetic_answers

from .layout import MM, overlaps, pages_of, struck

TOP, BOTTOM, SIDE = 20 * MM, 18 * MM, 18 * MM  # the team report's page margins
COVER_SIDE = 20 * MM
SLACK = 1.5  # points: glyph boxes may poke out a hair (italics, accents)
LONG_TEAM = "Enterprise & Strategic Accounts, EMEA North (Benelux, Nordics and the Baltics)"
DAY = date(2025, 9, 30)


def _levels(q, level: float) -> dict[str, float]:
    return {d.key: level for d in q.dimensions}


def _round(kind: str) -> tuple[bytes, str]:
    """A rendered report of one kind of round, with the running header it should carry."""
    if kind in ("sample", "letter"):
        d = demo(40)
        org, name = "Acme Widgets Ltd", "Q3 2025"
        pdf = build_team_report(
            d.result, d.q, org=org, round_name=name,
            consultant=Branding("Northwind Advisory"), response_rate=0.8,
            previous_results=d.previous_results, generated_on=DAY, fieldwork=d.fieldwork,
            contact=d.contact, comments=d.comments,
            page_size="Letter" if kind == "letter" else "A4")
        return pdf, f"{org} · {name}"
    q = load("team-ecosystem")
    org, name, by, previous, texts = "Acme Widgets Ltd", "Round 1", "team", None, None
    extra: dict = {}
    if kind == "small":  # exactly k people: every group under k is hidden
        frame = synthetic_answers(q, q.min_group_size, seed=3, with_text=True)
    elif kind == "large":
        frame = synthetic_answers(q, 5000, seed=4, with_text=True,
                                  levels={"foundation.belief": 48, "bucket.talent": 52})
        previous = parse_answers(synthetic_answers(q, 4000, seed=5), q)
        extra["previous_results"] = [
            (f"Round {i}", score(parse_answers(synthetic_answers(q, 300, seed=10 + i), q), q))
            for i in range(1, 8)]
        name = "Round 8"
    elif kind == "all_weak":
        frame = synthetic_answers(q, 60, seed=6, levels=_levels(q, 25))
        previous = parse_answers(synthetic_answers(q, 50, seed=7, levels=_levels(q, 35)), q)
        extra["previous_results"] = [("Spring", score(previous, q))]
        by = "role"
    elif kind == "all_healthy":
        frame = synthetic_answers(q, 60, seed=8, levels=_levels(q, 88))
        by = "role"
    elif kind == "suppressed":  # a dozen teams, most under k, one with a very long name
        teams = tuple(f"Team {c}" for c in "ABCDEFGHIJ") + ("North", LONG_TEAM)
        frame = synthetic_answers(q, 45, seed=9, teams=teams, with_text=True)
        org = "The Very Long Name Holding Company of Northern Manufacturing Ltd"
        name = "Second pulse survey after the reorganisation (autumn)"
        extra["contact"] = "Dana Reyes-Whitfield, Senior Partner · dana.reyes-whitfield@" \
                           "northwind-advisory.example · +44 20 7946 0000"
    else:
        raise ValueError(kind)
    answers = parse_answers(frame, q)
    texts = answers.texts
    result = score(answers, q, by=by, previous=previous)
    pdf = build_team_report(result, q, org=org, round_name=name,
                            consultant=Branding("Northwind Advisory"), generated_on=DAY,
                            comments=texts, fieldwork=(date(2025, 9, 1), date(2025, 9, 19)),
                            **extra)
    return pdf, f"{org} · {name}"


KINDS = ["sample", "letter", "small", "large", "all_weak", "all_healthy", "suppressed"]


def text_stays_inside_the_page(kind: str, running: str, pages) -> None:
    total = len(pages)
    for page in pages:
        side = COVER_SIDE if page.number == 1 else SIDE
        for (x0, y0, x1, y1), text, _ in page.chars:
            where = f"{kind}, page {page.number}: {text!r} at x={x0:.0f}..{x1:.0f}, y={y0:.0f}"
            assert 0 <= y0 and y1 <= page.height, where
            assert side - SLACK <= x0 and x1 <= page.width - side + SLACK, where
        assert not overlaps(page), f"{kind}, page {page.number}: {overlaps(page)[:3]}"
        assert not struck(page), f"{kind}, page {page.number}: lines through {struck(page)[:3]}"
        if page.number == 1:
            continue
        # the margins hold the running header and the footer, nothing else
        head = page.text_in(page.height - TOP, page.height)
        foot = page.text_in(0, BOTTOM)
        assert sorted(head.replace(" ", "")) == \
            sorted((running + "Northwind Advisory").replace(" ", "")), \
            f"{kind}, page {page.number}: {head!r}"
        footer = f"page {page.number} of {total}".replace(" ", "")
        assert foot.replace(" ", "").endswith(footer), f"{kind}, page {page.number}: {foot!r}"
        assert foot.replace(" ", "").startswith("Confidential"), foot


def no_page_but_the_last_is_half_empty(kind: str, pages) -> None:
    for page in pages[:-1]:
        body_low, body_high = BOTTOM, page.height - TOP
        if page.number == 1:
            body_low, body_high = 0, page.height
        lows = [box[1] for box, _, _ in page.chars if body_low <= box[1] < body_high]
        lows += [box[1] for box in page.images]
        assert lows, f"{kind}: page {page.number} is blank"
        middle = (body_low + body_high) / 2
        assert min(lows) <= middle, \
            f"{kind}: page {page.number} ends {(body_high - min(lows)) / MM:.0f} mm down"


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_is_inside_and_used(kind):
    pdf, running = _round(kind)
    pages = pages_of(pdf)
    text_stays_inside_the_page(kind, running, pages)
    no_page_but_the_last_is_half_empty(kind, pages)
    if kind in ("sample", "letter"):
        assert 8 <= len(pages) <= 12
