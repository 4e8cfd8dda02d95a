"""The CEO result page's summary: causes with their own detail, explanations not repeated."""

from __future__ import annotations

from assess.present import quick_view as summarise
from questionnaires import load
from scoring import Answers, score


def test_each_rule_explains_itself_once():
    q = load("ceo-quick", 1)
    record = {question.key: 1 for question in q.scored_questions
              if q.scales[question.scale].type == "likert"}
    result = score(Answers.from_records([record | {"role": "ceo"}], q), q)
    causes = summarise(q, result).causes
    assert len(causes) == 3 and all(c.kind == "Sales ecosystem" for c in causes)
    assert [bool(c.why) for c in causes] == [True, False, False]
    details = [c.about for c in causes]
    assert all(details) and len(set(details)) == 3
    assert all(c.finding.startswith("You answered") for c in causes)
