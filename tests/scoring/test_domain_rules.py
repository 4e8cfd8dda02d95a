"""DOMAIN.md "How a diagnosis is reached": one hand-built team per rule, on the published
team-ecosystem v2, each asserting which cause comes first and what must not be blamed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from questionnaires import load
from scoring import Answers, parse_answers, score

Q = load("team-ecosystem", 2)
CEO = load("ceo-quick", 2)
ROLES = {"rep": 10, "manager": 5, "leader": 2, "support": 3, "operations": 2, "marketing": 2}
CONTEXT = [d.key for d in Q.dimensions if d.group in ("bucket", "process", "culprit")]
PEOPLE = ("foundation.competency", "foundation.execution")


def _likert(level: float, reverse: bool) -> int:
    point = int(np.clip(round(1 + level / 25), 1, 5))
    return 6 - point if reverse else point


def _percent(level: float) -> int:
    return int(round(np.interp(level, [0, 40, 100], [60, 35, 15])))


def team(levels=None, *, base=75, roles=None, by_role=None, perception=None, gap_days=3,
         split=(), watch=()) -> Answers:
    """A team whose every answer sits at its dimension's level (base by default).

    `by_role` overrides levels per role, `perception` sets leadership's view of the reps,
    `split` dimensions are answered at 25 by half the people and 100 by the rest (a split
    team averaging 62), `watch` ones at 50 and 75 alternately (a middling, agreed 62).
    """
    levels, by_role, perception = dict(levels or {}), dict(by_role or {}), dict(perception or {})
    rows, person = [], 0
    for role, count in (roles or ROLES).items():
        for _ in range(count):
            person += 1
            row: dict[str, object] = {"role": role, "team": "East"}
            for question in Q.scored_questions:
                if not question.asked_of(role):
                    continue
                dim = str(question.dimension)
                level = by_role.get(role, {}).get(dim, levels.get(dim, base))
                if dim in split:
                    level = 25 if person % 2 else 100
                if dim in watch:
                    level = 50 if person % 2 else 75
                if question.perception:
                    level = perception.get(dim, level)
                scale = Q.scale_of(question)
                if scale.type == "likert":
                    row[question.key] = _likert(level, question.reverse)
                elif scale.unit == "days":
                    row[question.key] = gap_days
                else:
                    row[question.key] = _percent(level)
            rows.append(row)
    return parse_answers(pd.DataFrame(rows), Q)


def causes(result):
    return [c.rule for c in result.root_causes]


def rung(result, key):
    return result.ladder.rung(key)


def test_a_healthy_team_has_no_cause_and_no_plan():
    r = score(team(), Q)
    assert r.root_causes == () and r.plan == ()
    assert r.overall.band == "healthy"


# ---------------------------------------------------------------- 1 context before people


@pytest.mark.parametrize(("context", "first"), [
    ({"process.enforcement": 25}, "process_not_enforced"),
    ({"culprit.sales_leadership": 25, "culprit.non_sales_work": 25}, "culture_culprits"),
    ({"bucket.sales_operations": 25}, "ecosystem_first"),
])
def test_weak_context_makes_weak_reps_its_symptom(context, first):
    r = score(team({**context, "foundation.competency": 25, "foundation.execution": 25}), Q)
    assert causes(r)[0] == first
    assert "foundation" not in {c.kind for c in r.root_causes}  # the reps are not blamed
    assert "individuals_last" not in causes(r)
    for key in PEOPLE:
        assert rung(r, key).status == "blocked"
        assert rung(r, key).cause == r.root_causes[0].key
    assert set(PEOPLE) <= set(r.root_causes[0].symptoms)
    coaching = {f.key for f in Q.fixes if f.dimension in PEOPLE}
    assert not coaching & {f.key for f in r.plan}  # no coaching while the context is weak


def test_contacts_lapsing_for_two_weeks_are_the_cause_not_the_reps():
    r = score(team({"foundation.execution": 25}, gap_days=14), Q)
    assert causes(r)[0] == "contact_gap"
    assert rung(r, "foundation.execution").status == "blocked"
    assert "foundation" not in {c.kind for c in r.root_causes}


# ---------------------------------------------------------------- 2 sound = healthy + agreed


def test_a_split_bucket_is_not_sound():
    r = score(team({"foundation.competency": 25}, split=("bucket.talent",)), Q)
    talent = r.dimension("bucket.talent")
    assert 60 <= talent.score < 70 and talent.sd > 25
    assert r.root_causes[0].dimensions == ("bucket.talent",)
    assert "split" in r.root_causes[0].title
    assert rung(r, "foundation.competency").status == "blocked"


# ---------------------------------------------------------------- 3 the ladder from the reps


def test_the_ladder_is_measured_from_the_reps_not_averaged_over_everyone():
    # 10 reps and 3 managers with broken belief; leadership thinks belief is fine.
    r = score(team(by_role={"rep": {"foundation.belief": 25},
                            "manager": {"foundation.belief": 25}},
                   perception={"foundation.belief": 100}), Q)
    belief = r.dimension("foundation.belief")
    assert belief.score == pytest.approx(25) and belief.n == 15  # reps and managers only
    assert r.ladder.start_here == "foundation.belief"
    assert rung(r, "foundation.belief").status == "root"
    gap = next(g for g in r.gaps if g.a == "leadership" and g.dimension == "foundation.belief")
    assert gap.a_score == pytest.approx(100) and gap.b_score == pytest.approx(25)


def test_answers_from_roles_not_asked_are_ignored():
    answers = team(by_role={"rep": {"foundation.belief": 25}})
    frame = pd.DataFrame({"role": ["support"] * 8, "team": ["East"] * 8})
    for question in Q.scored_questions:
        if question.dimension == "foundation.belief" and not question.perception:
            frame[question.key] = 5
    mixed = parse_answers(pd.concat([pd.DataFrame(
        {"role": answers.role, "team": answers.team}).join(answers.values), frame],
        ignore_index=True), Q)
    assert score(mixed, Q).dimension("foundation.belief").score == pytest.approx(
        score(answers, Q).dimension("foundation.belief").score)


def test_broken_belief_is_linked_to_the_company_cause_that_explains_it():
    r = score(team({"culprit.vision_values": 25, "foundation.belief": 25}), Q)
    belief = next(c for c in r.root_causes if c.kind == "foundation")
    vision = next(c for c in r.root_causes if "culprit.vision_values" in c.dimensions)
    assert belief.linked == (vision.key,)
    assert causes(r).index(vision.rule) < causes(r).index(belief.rule)


# ---------------------------------------------------------------- 4 trust before enforcement


def test_trust_comes_before_enforcement():
    r = score(team({"process.trust": 25, "process.enforcement": 25}), Q)
    assert causes(r)[0] == "trust_first"
    assert "process_not_enforced" not in causes(r)
    assert "process.enforcement" in r.root_causes[0].symptoms
    trust_fixes = [f for f in r.plan if f.root_cause == r.root_causes[0].key]
    enforce = [f.step for f in trust_fixes if f.dimension == "process.enforcement"]
    first = [f.step for f in trust_fixes if f.dimension == "process.trust" or
             f.key in {x.key for x in Q.fixes if x.rule == "trust_first"}]
    assert first and (not enforce or min(first) < min(enforce))


def test_an_enforced_trusted_process_is_not_a_finding():
    assert "trust_first" not in causes(score(team(), Q))


# ---------------------------------------------------------------- 5 evidence in buyers' words


def test_no_buyer_evidence_is_a_cause_with_a_buyer_fix():
    r = score(team({"process.evidence": 25}), Q)
    assert causes(r)[0] == "no_winloss_evidence"
    texts = " ".join(f.text for f in r.plan).lower()
    assert "buyer" in texts and ("other than the rep" in texts
                                 or "did not run the deal" in texts)


# ---------------------------------------------------------------- 6 contacts that count


@pytest.mark.parametrize(("days", "fires"), [(3, False), (5, False), (6, True), (7, True)])
def test_the_cadence_rule_and_the_cadence_score_agree(days, fires):
    r = score(team(gap_days=days), Q)
    item = r.item("pr_days_between_contacts")
    assert ("contact_gap" in causes(r)) is fires
    assert (item.score < Q.healthy_at) is fires


# ---------------------------------------------------------------- 7 individuals last


def test_individuals_are_judged_only_when_the_surroundings_are_sound():
    r = score(team({"foundation.competency": 25}), Q)
    assert causes(r)[0] == "individuals_last"
    texts = " ".join(f.text for f in r.plan).lower()
    assert "development plan" in texts and "role" in texts


def test_middling_surroundings_get_team_training_not_individual_verdicts():
    r = score(team({"foundation.competency": 25}, watch=tuple(CONTEXT)), Q)
    assert "individuals_last" not in causes(r)
    assert r.ladder.start_here == "foundation.competency"


# ---------------------------------------------------------------- 8 a plan, not a list


def test_with_everything_weak_the_plan_is_a_handful():
    r = score(team(base=25), Q)
    steps = [f.step for f in r.plan]
    assert steps == list(range(1, len(steps) + 1))
    assert len(steps) <= Q.analysis.plan_max
    assert sum(1 for f in r.plan if f.horizon_days == 30) <= Q.analysis.plan_first_30
    assert len({f.key for f in r.fixes}) == len(r.fixes)
    assert r.later  # the rest waits
    kinds = {c.key: c.kind for c in r.root_causes}
    first_people = next((i for i, f in enumerate(r.plan)
                         if kinds.get(f.root_cause) == "foundation"), len(r.plan))
    assert all(kinds.get(f.root_cause) != "foundation" for f in r.plan[:first_people])
    assert r.overall.band != "healthy"


def test_severity_does_not_push_the_stressed_process_rules_last():
    r = score(team(base=35), Q)
    process = [c.rule for c in r.root_causes if c.kind == "process"]
    assert process[:3] == ["trust_first", "no_winloss_evidence", "contact_gap"] or \
        process[0] == "trust_first"


# ---------------------------------------------------------------- 9 the CEO's blind spot


def test_leadership_blaming_the_reps_is_a_finding():
    r = score(team(by_role={role: {d: 100 for d in CONTEXT} for role in ("leader", "manager")},
                   perception={k: 25 for k in ("foundation.belief", "foundation.desire",
                                               "foundation.competency",
                                               "foundation.execution")},
                   levels={d: 62 for d in CONTEXT}), Q)
    assert "blame_the_reps" in causes(r)


def _ceo(levels):
    row = {"role": "ceo"}
    for question in CEO.scored_questions:
        level = levels.get(str(question.dimension), 90)
        scale = CEO.scale_of(question)
        row[question.key] = _likert(level, question.reverse) if scale.type == "likert" else 2
    return parse_answers(pd.DataFrame([row]), CEO)


def test_a_ceo_who_rates_the_system_high_and_the_people_low_sees_the_pattern():
    r = score(_ceo({k: 20 for k in ("foundation.belief", "foundation.desire",
                                     "foundation.competency", "foundation.execution")}), CEO)
    assert "blame_the_reps" in causes(r)
    assert r.ladder.basis == "perception" and r.ladder.start_here is None
    assert all(d.basis == "perception" for d in r.dimensions if d.group == "foundation")


def test_a_ceo_without_a_sales_process_is_never_healthy():
    levels = {"process.enforcement": 0, "process.trust": 0, "bucket.sales_effectiveness": 0}
    r = score(_ceo(levels), CEO)
    assert r.overall.band != "healthy"
    assert any(c.kind == "process" for c in r.root_causes)


# ---------------------------------------------------------------- Don't know, lineage


def test_dont_know_is_not_an_answer():
    frame = pd.DataFrame([{"role": "rep", "tm_target_clear": "dk"}] * 3
                         + [{"role": "rep", "tm_target_clear": "5"}] * 3)
    answers = parse_answers(frame, Q)
    assert answers.dont_know["tm_target_clear"].sum() == 3
    r = score(answers, Q, min_group_size=3)
    assert r.item("tm_target_clear").n == 3 and r.item("tm_target_clear").dont_know == 3
    assert r.dimension("bucket.target_market").score == pytest.approx(100)
    assert answers.to_records()[0] == {"tm_target_clear": "dk"}


def test_a_v1_round_trends_against_v2_through_lineage():
    from scoring.synthetic import synthetic_answers

    v1 = load("team-ecosystem", 1)
    old = synthetic_answers(v1, 40, seed=3)
    before = parse_answers(old.drop(columns=[c for c in old.columns
                                             if c not in Q.lineage and c not in
                                             ("respondent", "role", "team")]), Q,
                           apply_lineage=True)
    now = score(team(), Q, previous=before)
    assert {t.dimension for t in now.trend} >= {"bucket.target_market", "bucket.marketing"}


@pytest.mark.parametrize("k", [3, 5, 400])
def test_one_scoring_for_several_views_equals_one_scoring_each(k):
    """`score_views` shares all but the segments: each of its results is what `score`
    gives for that view alone (the page by role and by team scores the round once)."""
    from scoring import score_views
    from scoring.synthetic import synthetic_answers

    answers = parse_answers(synthetic_answers(Q, 120, seed=11, teams=["East", "West"]), Q)
    before = parse_answers(synthetic_answers(Q, 60, seed=12, teams=["East"]), Q)
    views = score_views(answers, Q, by=("role", "team", None), previous=before,
                        min_group_size=k)
    for view, result in views.items():
        alone = score(answers, Q, by=view, previous=before, min_group_size=k)
        assert json.dumps(result.to_dict(), sort_keys=True) == \
            json.dumps(alone.to_dict(), sort_keys=True)
        assert result.segment_by == view and bool(result.segments) == (view is not None
                                                                        and k < 400)
    if k < 400:
        assert views["role"].segments != views["team"].segments


def test_row_blocks_change_no_number(monkeypatch, same_numbers):
    """The answers are tallied a block of respondents at a time, so memory stays flat on
    a large round; the result is the same whatever the block size (up to the last bits
    of a float: block sums are added in another order)."""
    import scoring.core
    from scoring.synthetic import synthetic_answers

    answers = parse_answers(synthetic_answers(Q, 150, seed=5, teams=["East", "West"]), Q)
    whole = score(answers, Q, by="team", min_group_size=3).to_dict()
    monkeypatch.setattr(scoring.core, "ROWS_AT_A_TIME", 7)  # 22 blocks, the last short
    same_numbers(score(answers, Q, by="team", min_group_size=3).to_dict(), whole)


def test_answers_row_parts_are_every_per_respondent_field():
    """`take` and `concat` carry every per-respondent part."""
    from dataclasses import fields

    from scoring.answers import ROW_PARTS

    assert ROW_PARTS == tuple(f.name for f in fields(Answers))[2:]
    answers = parse_answers(pd.DataFrame({"respondent": ["b", "a"], "role": ["rep", "rep"],
                                          "tm_target_clear": ["4", "2"]}), Q)
    swapped = Answers.concat([answers.take(np.array([False, True])),
                              answers.take(np.array([True, False]))])
    assert list(swapped.respondent) == ["a", "b"]
    assert list(swapped.values["tm_target_clear"]) == [2.0, 4.0]
    for name in ROW_PARTS:
        pd.testing.assert_frame_equal(
            pd.DataFrame(getattr(swapped, name)),
            pd.DataFrame(getattr(answers, name)).iloc[::-1].reset_index(drop=True))
