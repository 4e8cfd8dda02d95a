"""The published questionnaires cover what DOMAIN.md says must be measured."""

from __future__ import annotations

from collections import Counter

import pytest

from questionnaires import load, load_all
from questionnaires.vocabulary import FIXED_DIMENSIONS

TEAM = load("team-ecosystem", 1)
CEO = load("ceo-quick", 1)


def test_all_published_files_validate():
    refs = {q.ref for q in load_all()}
    assert {"team-ecosystem@1", "ceo-quick@1"} <= refs


@pytest.mark.parametrize("q", [TEAM, CEO], ids=["team", "ceo"])
def test_every_fixed_dimension_is_asked(q):
    asked = {question.dimension for question in q.scored_questions}
    assert set(FIXED_DIMENSIONS) <= asked
    assert any(d.startswith("process.") for d in asked)


def test_ceo_quick_is_short_and_has_the_contact_gap_in_days():
    assert CEO.audience == "ceo" and 12 <= len(CEO.scored_questions) <= 18
    gap = CEO.question("pr_contact_gap_days")
    assert CEO.scales[gap.scale].type == "number" and CEO.scales[gap.scale].unit == "days"


def test_team_survey_size_and_coverage():
    assert TEAM.audience == "team" and 60 <= len(TEAM.scored_questions) <= 90
    per_dim = Counter(q.dimension for q in TEAM.scored_questions)
    for rung in ("belief", "desire", "competency", "execution"):
        assert per_dim[f"foundation.{rung}"] >= 3
    for aspect in ("buyer_alignment", "ownership", "evidence", "cadence", "stage_outcomes",
                   "enforcement", "toolkit", "payoffs"):
        assert per_dim[f"process.{aspect}"] >= 2
    texts = [q for q in TEAM.questions if not TEAM.scales[q.scale].scored]
    assert 2 <= len(texts) <= 3
    number_scales = {q.key for q in TEAM.scored_questions
                     if TEAM.scales[q.scale].type == "number"}
    assert {"pr_contact_gap_days", "nsw_time_share_pct"} <= number_scales


def test_role_specific_and_two_sided_handoff_items():
    assert any(q.audiences != ("all",) for q in TEAM.questions)
    handoffs = [q for q in TEAM.questions if q.dimension == "culprit.handoffs"]
    sales_side = [q for q in handoffs if "rep" in q.audiences and "operations" not in q.audiences]
    ops_side = [q for q in handoffs if "operations" in q.audiences and "rep" not in q.audiences]
    assert len(sales_side) >= 2 and len(ops_side) >= 2


def test_shared_keys_ask_the_same_thing_on_the_same_scale():
    shared = {q.key for q in CEO.questions} & {q.key for q in TEAM.questions}
    assert len(shared) >= 12
    for key in shared:
        assert CEO.question(key).dimension == TEAM.question(key).dimension
        assert CEO.scales[CEO.question(key).scale] == TEAM.scales[TEAM.question(key).scale]


@pytest.mark.parametrize("q", [TEAM, CEO], ids=["team", "ceo"])
def test_fix_library_covers_every_dimension_and_rule(q):
    for dim in q.dimensions:
        assert any(f.dimension == dim.key for f in q.fixes), dim.key
    for rule in q.rules:
        assert any(f.rule == rule.key for f in q.fixes), rule.key
    owners = {f.owner for f in q.fixes}
    assert {"ceo", "sales_leader", "sales_ops", "hr", "marketing"} <= owners
    assert {f.horizon_days for f in q.fixes} == {30, 60, 90}


def test_sections_each_hold_a_page_of_questions():
    assert 7 <= len(TEAM.sections) <= 9
    for section in TEAM.sections:
        assert 1 <= len(TEAM.questions_in(section.key)) <= 14
