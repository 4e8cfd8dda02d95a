"""Root-cause rules: the ladder, ecosystem before people, culprits, process, gaps."""

from __future__ import annotations

from scoring import score

HEALTHY = {"tm_a": 5, "tm_b": 1, "tal_a": 5, "cu_a": 5, "fb_a": 5, "fd_a": 5, "fc_a": 5,
           "fe_a": 5, "pr_gap": 3}


def team(from_rows, q, n=3, **changes):
    """n identical respondents: scores are exactly the item scores, SD 0."""
    return from_rows(q, [{**HEALTHY, **changes, "role": "rep"} for _ in range(n)])


def kinds(result):
    return [(c.kind, c.dimensions) for c in result.root_causes]


def test_healthy_team_has_no_root_causes_and_no_fixes(mini, from_rows):
    r = score(team(from_rows, mini), mini)
    assert r.root_causes == ()
    assert r.fixes == ()


def test_lowest_weak_rung_is_the_cause_and_weak_rungs_above_are_symptoms(mini, from_rows):
    r = score(team(from_rows, mini, fd_a=2, fc_a=2, fe_a=1), mini)
    assert kinds(r) == [("foundation", ("foundation.desire",))]
    cause = r.root_causes[0]
    assert cause.symptoms == ("foundation.competency", "foundation.execution")
    assert cause.severity == 60 - 25
    assert [e.dimension for e in cause.evidence][0] == "foundation.desire"
    assert cause.evidence[0].n == 3 and cause.evidence[0].score == 25


def test_belief_below_everything_is_named_not_execution(mini, from_rows):
    r = score(team(from_rows, mini, fb_a=2, fe_a=1), mini)
    assert kinds(r) == [("foundation", ("foundation.belief",))]
    assert r.root_causes[0].symptoms == ("foundation.execution",)


def test_ecosystem_before_people_competency_is_a_symptom_while_a_bucket_is_weak(mini,
                                                                              from_rows):
    r = score(team(from_rows, mini, tal_a=1, fc_a=2, fe_a=2), mini)
    assert kinds(r) == [("ecosystem", ("bucket.talent",))]
    assert r.root_causes[0].symptoms == ("foundation.competency", "foundation.execution")


def test_competency_is_a_cause_once_the_ecosystem_is_healthy(mini, from_rows):
    r = score(team(from_rows, mini, fc_a=2, fe_a=2), mini)
    assert kinds(r) == [("foundation", ("foundation.competency",))]
    assert r.root_causes[0].symptoms == ("foundation.execution",)


def test_ecosystem_causes_come_before_people_causes(mini, from_rows):
    r = score(team(from_rows, mini, tal_a=2, fb_a=1), mini)
    assert [c.kind for c in r.root_causes] == ["ecosystem", "foundation"]


def test_culture_culprit(mini, from_rows):
    r = score(team(from_rows, mini, cu_a=2), mini)
    assert kinds(r) == [("culprit", ("culprit.culture",))]
    assert r.root_causes[0].rule == "culture_culprits"


def test_contact_gap_over_five_days_is_a_process_cause(mini, from_rows):
    r = score(team(from_rows, mini, pr_gap=8), mini)
    assert kinds(r) == [("process", ("process.cadence",))]
    cause = r.root_causes[0]
    assert cause.evidence[0].question == "pr_gap" and cause.evidence[0].value == 8
    assert cause.severity == 100 - 64  # 8 days scores 100 - 60 * 3/5 = 64
    assert not kinds(score(team(from_rows, mini, pr_gap=5), mini))


def test_perception_gap_between_leadership_and_reps(mini, from_rows):
    leaders = [{**HEALTHY, "role": "manager"} for _ in range(3)]
    reps = [{**HEALTHY, "tm_a": 3, "tm_b": 3, "role": "rep"} for _ in range(3)]
    r = score(from_rows(mini, leaders + reps), mini)
    gap = next(g for g in r.gaps if g.dimension == "bucket.target_market" and g.a == "leadership")
    assert gap.a_score == 100 and gap.b_score == 50 and gap.gap == 50 and gap.flagged
    assert ("gap", ("bucket.target_market",)) in kinds(r)


def test_perception_gap_hidden_when_leadership_is_under_the_threshold(mini, from_rows):
    leaders = [{**HEALTHY, "role": "manager"} for _ in range(2)]
    reps = [{**HEALTHY, "tm_a": 3, "tm_b": 3, "role": "rep"} for _ in range(4)]
    r = score(from_rows(mini, leaders + reps), mini)
    leadership = [g for g in r.gaps if g.a == "leadership"]
    assert leadership and all(g.suppressed and g.a_score is None for g in leadership)
    assert all(c.kind != "gap" for c in r.root_causes)


def test_ceo_view_against_the_team(mini, from_rows):
    ceo = score(from_rows(mini, [{**HEALTHY, "role": "ceo"}]), mini, min_group_size=1)
    r = score(team(from_rows, mini, tm_a=2, tm_b=4), mini, ceo=ceo)
    gap = next(g for g in r.gaps if g.a == "ceo" and g.dimension == "bucket.target_market")
    assert gap.gap == 100 - 25 and gap.flagged


def test_a_split_team_is_not_a_sound_bucket(mini, from_rows):
    """DOMAIN rule 2: a middling average over a split team is a finding, not health."""
    split = [{**HEALTHY, "tm_a": v, "tm_b": 6 - v} for v in (2, 5, 2, 5)]  # mean 62.5
    r = score(from_rows(mini, split), mini)
    flag = next(a for a in r.agreement if a.dimension == "bucket.target_market")
    assert flag.flagged and flag.sd > 25
    assert ("ecosystem", ("bucket.target_market",)) in kinds(r)
    assert "split" in r.root_causes[0].title


def test_strong_disagreement_on_a_healthy_average_is_flagged(mini, from_rows):
    split = [{**HEALTHY, "tm_a": v, "tm_b": 6 - v} for v in (1, 5, 5, 5, 5)]
    r = score(from_rows(mini, split), mini)
    assert ("agreement", ("bucket.target_market",)) in kinds(r)


def test_fixes_for_root_causes_come_before_fixes_for_symptoms(mini, from_rows):
    r = score(team(from_rows, mini, fd_a=2, fc_a=2, fe_a=1), mini)
    keys = [f.key for f in r.fixes]
    assert set(keys[:2]) == {"f_ladder", "f_fd"}
    assert set(keys[2:]) == {"f_fc", "f_fe"}
    assert all(f.root_cause == "ladder:desire" for f in r.fixes)
    # among the symptoms, the lower score (execution, 0) has the larger impact
    assert keys[2:] == ["f_fe", "f_fc"]


def test_fix_impact_is_weight_times_gap_times_breadth(mini, from_rows):
    from scoring.core import effective_weights

    r = score(team(from_rows, mini, tal_a=2), mini)
    fix = next(f for f in r.fixes if f.key == "f_tal")
    weight = effective_weights(mini)["bucket.talent"]
    assert weight == 0.5 / 1.0 * 1 / 3
    assert fix.impact == weight * (100 - 25) * 1.0  # every respondent is weak on talent
