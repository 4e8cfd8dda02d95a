"""The CEO quick report: 2-3 pages, the CEO's own scores, causes and fixes."""

from __future__ import annotations

import io

from pypdf import PdfReader

from assess.report import build_quick_report, fmt
from questionnaires import load
from scoring import parse_answers, score
from scoring.synthetic import synthetic_answers

from .conftest import DAY, pdf_pages


def test_quick_report_shows_the_ceo_result():
    q = load("ceo-quick", 1)
    answers = synthetic_answers(q, 1, seed=4, levels={"foundation.belief": 40})
    result = score(parse_answers(answers, q), q)
    pdf = build_quick_report(result, q, org="Acme Widgets Ltd", generated_on=DAY)
    reader = PdfReader(io.BytesIO(pdf))
    assert 2 <= len(reader.pages) <= 3
    assert reader.trailer["/Root"]["/Lang"] == "en"
    text = " ".join(pdf_pages(pdf))
    assert f"Overall {fmt(result.overall.score)} out of 100 {result.overall.band}" in text
    for dim in result.dimensions:
        assert f"{dim.title} {fmt(dim.score)} {dim.band}" in text
    assert "content hash" not in text and q.content_hash[:12] not in text
    for cause in result.root_causes[:3]:
        assert cause.title in text
    assert "What the full team survey adds" in text


def test_each_cause_says_what_it_covers_and_a_rule_explains_itself_once():
    from scoring import Answers

    q = load("ceo-quick", 1)
    record = {x.key: 1 for x in q.scored_questions if q.scales[x.scale].type == "likert"}
    result = score(Answers.from_records([record | {"role": "ceo"}], q), q)
    assert [c.rule for c in result.root_causes[:3]] == ["ecosystem_first"] * 3
    text = " ".join(" ".join(pdf_pages(build_quick_report(result, q, generated_on=DAY)))
                    .split())
    assert text.count("Why it matters:") == 1
    for cause in result.root_causes[:3]:
        assert cause.title in text
