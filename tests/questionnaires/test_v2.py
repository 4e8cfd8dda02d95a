"""team-ecosystem v2 and ceo-quick v2 carry out what the v2 issue and DOMAIN.md ask."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from questionnaires import load
from scoring.core import score_values

TEAM = load("team-ecosystem", 2)
CEO = load("ceo-quick", 2)
TEAM_V1 = load("team-ecosystem", 1)
CEO_V1 = load("ceo-quick", 1)
BOTH = pytest.mark.parametrize("q", [TEAM, CEO], ids=["team", "ceo"])
RUNGS = ("foundation.belief", "foundation.desire", "foundation.competency",
         "foundation.execution")
BUCKETS = ("bucket.target_market", "bucket.sales_effectiveness", "bucket.sales_operations",
           "bucket.talent", "bucket.marketing")

TEAM_RULES = ["ecosystem_first", "trust_first", "process_not_enforced", "no_winloss_evidence",
              "contact_gap", "process_health", "culture_culprits", "handoff_sides", "ladder",
              "individuals_last", "blame_the_reps", "perception_gap", "disagreement"]
CEO_RULES = [k for k in TEAM_RULES if k not in ("handoff_sides", "disagreement")]


def test_both_v2_files_load_beside_v1():
    assert (TEAM.ref, CEO.ref) == ("team-ecosystem@2", "ceo-quick@2")
    assert (TEAM_V1.version, CEO_V1.version) == (1, 1)


@BOTH
def test_every_likert_item_offers_dont_know(q):
    likert = {q.scales[x.scale] for x in q.questions if q.scales[x.scale].type == "likert"}
    assert likert
    for scale in likert:
        assert scale.dont_know == "Don't know"
        assert scale.labels[2] == "Neither agree nor disagree"


@BOTH
def test_no_intensifiers_or_causal_clauses(q):
    banned = re.compile(r"\b(truly|exactly|always|really|actually|because|thanks to)\b", re.I)
    for question in q.questions:
        assert not banned.search(question.text), (question.key, question.text)


@BOTH
def test_contact_gap_follows_the_3_to_5_day_rule(q):
    key = q.rules[[r.key for r in q.rules].index("contact_gap")].params["question"]
    assert q.scales[q.question(key).scale].unit == "days"
    at = dict(zip((3, 5, 7, 14), score_values(q, key, np.array([3.0, 5.0, 7.0, 14.0])),
                  strict=True))
    assert at[3] == 100
    assert at[5] == 70 == q.bands[0].min  # 5 days sits on the healthy line
    assert at[7] < q.analysis.weak_below and at[14] <= 10
    contact = q.question(key)
    for counted in ("recap", "article", "case study", "white paper", "blog post", "podcast"):
        assert counted in contact.help
    assert "real conversation" not in contact.help
    rule = next(r for r in q.rules if r.key == "contact_gap")
    assert rule.params["stat"] == "median" and rule.params["above"] == 5


@BOTH
def test_rules_exist_in_the_domains_order(q):
    expected = TEAM_RULES if q is TEAM else CEO_RULES
    assert [r.key for r in q.rules] == expected
    rules = {r.key: r for r in q.rules}
    assert rules["trust_first"].params["trust"] == "process.trust"
    assert rules["trust_first"].params["enforcement"] == "process.enforcement"
    for key in ("trust_first", "process_not_enforced", "no_winloss_evidence"):
        assert rules[key].params["below"] == 60
    assert rules["ladder"].params["dimensions"] == list(RUNGS)


@BOTH
def test_fix_library(q):
    fixes = {f.key: f for f in q.fixes}
    texts = [f.text for f in q.fixes]
    assert len(set(texts)) == len(texts)
    assert fixes["fix_comp_redesign"].owner == "ceo"
    assert fixes["fix_comp_redesign"].dimension == "bucket.talent"
    by_rule = {}
    for fix in q.fixes:
        if fix.rule:
            by_rule.setdefault(fix.rule, []).append(fix)
    # trust first, enforcement later
    assert max(f.horizon_days for f in by_rule["trust_first"]) < \
        min(f.horizon_days for f in by_rule["process_not_enforced"])
    # the ladder fix names the rung instead of assuming it is belief or desire
    assert all("{subject}" in f.text for f in by_rule["ladder"])
    assert not any("belief or desire" in f.text for f in q.fixes)
    # win/loss evidence is the buyer's, asked by someone other than the rep
    winloss = by_rule["no_winloss_evidence"]
    assert any("did not run the deal" in f.text and "buyer's words" in f.text for f in winloss)
    assert len(by_rule["individuals_last"]) >= 2
    for fix in q.fixes:
        assert fix.horizon_days in (30, 60, 90)


def test_ceo_quick_is_short_and_covers_every_bucket_twice():
    assert CEO.audience == "ceo" and CEO.minutes == 3 and CEO.min_group_size == 1
    assert len(CEO.questions) <= 22
    measured = Counter(x.dimension for x in CEO.questions if not x.perception)
    for bucket in BUCKETS:
        assert measured[bucket] >= 2, bucket
    for culprit in ("culprit.culture", "culprit.sales_leadership", "culprit.non_sales_work"):
        assert measured[culprit] >= 1


def test_ceo_foundations_are_perceptions_at_most_one_per_rung():
    foundation = [x for x in CEO.questions if x.dimension in RUNGS]
    assert sorted(x.dimension for x in foundation) == sorted(RUNGS)
    assert all(x.perception for x in foundation)
    assert not any(x.perception for x in CEO.questions if x.dimension not in RUNGS)


def test_ceo_is_asked_whether_a_process_exists_is_used_and_why_not():
    written, used = CEO.question("se_process_written"), CEO.question("se_process_used")
    assert "written sales process" in written.text and "written sales process" in used.text
    assert not written.reverse and not used.reverse
    reasons = [x for x in CEO.questions
               if x.dimension and x.dimension.startswith("process.") and x.reverse]
    assert len(reasons) >= 1
    assert {"pr_no_process_needed", "pr_process_slows_best"} <= {x.key for x in reasons}
    for key in ("pr_days_between_contacts", "pr_buyer_asked", "pr_skips_challenged"):
        assert CEO.question(key).dimension.startswith("process.")


def test_team_foundations_are_first_person_from_reps_and_managers():
    for question in TEAM.questions:
        if question.dimension not in RUNGS or question.perception:
            continue
        assert set(question.audiences) <= {"rep", "manager"}, question.key
        assert re.search(r"\b(I|my|My)\b", question.text), question.key
    measured = Counter(x.dimension for x in TEAM.questions
                       if x.dimension in RUNGS and not x.perception)
    assert all(measured[rung] >= 3 for rung in RUNGS)


def test_team_has_one_leadership_perception_per_rung():
    perceptions = [x for x in TEAM.questions if x.perception]
    assert sorted(x.dimension for x in perceptions) == sorted(RUNGS)
    leadership = set(TEAM.analysis.leadership_roles)
    for question in perceptions:
        assert {"ceo", "leader"} <= set(question.audiences) <= leadership
        assert question.text.startswith("Our sales people")


def test_each_role_sees_a_form_it_can_finish():
    def seen(role):
        return [x for x in TEAM.questions if x.asked_of(role)]
    assert 50 <= len(seen("rep")) <= 75
    for role in ("manager", "leader", "ceo"):
        assert len(seen(role)) <= 75, role
    # support, operations and marketing are not asked about coaching, pay plans or the
    # reps' own deal work
    for role in ("support", "operations", "marketing"):
        for question in seen(role):
            assert not question.key.startswith(("se_coaching", "tal_comp", "fe_", "fc_",
                                                 "fb_", "fd_")), (role, question.key)
    assert 6 <= len(TEAM.sections) <= 10 and len(CEO.sections) == 2
    for section in TEAM.sections:
        assert 1 <= len([x for x in seen("rep") if x.section == section.key]) <= 15


def test_handoff_pairs_compare_the_giving_and_receiving_sides():
    rule = next(r for r in TEAM.rules if r.key == "handoff_sides")
    assert rule.type == "pair_gap" and rule.params["threshold"] == 15
    assert len(rule.params["pairs"]) >= 2
    for giving, receiving in rule.params["pairs"]:
        g, r = TEAM.question(giving), TEAM.question(receiving)
        assert g.dimension == r.dimension == "culprit.handoffs"
        assert "rep" in g.audiences and "operations" not in g.audiences
        assert "operations" in r.audiences and "rep" not in r.audiences


def test_win_loss_evidence_and_measures_are_covered():
    evidence = [x for x in TEAM.questions if x.dimension == "process.evidence"]
    assert any("someone other than the rep" in x.text for x in evidence)
    rationalisations = [x for x in evidence if x.reverse]
    assert any("win" in x.text for x in rationalisations)
    assert any("lose" in x.text for x in rationalisations)
    measures = [x for x in TEAM.questions if x.dimension == "process.measures"]
    assert any(x.reverse for x in measures) and any(not x.reverse for x in measures)
    trust = [x for x in TEAM.questions if x.dimension == "process.trust"]
    assert len(trust) >= 3 and all(set(x.audiences) <= {"rep", "manager"} for x in trust)


@pytest.mark.parametrize(("new", "old"), [(TEAM, TEAM_V1), (CEO, CEO_V1)], ids=["team", "ceo"])
def test_lineage_maps_every_v1_key(new, old):
    old_keys = [x.key for x in old.questions]
    assert set(old_keys) <= set(new.lineage)
    assert set(new.lineage) <= set(old_keys)  # no stray keys
    targets = [t for t in new.lineage.values() if t is not None]
    assert len(targets) == len(set(targets))  # two old columns never land on one
    new_keys = {x.key for x in new.questions}
    assert set(targets) <= new_keys
    for old_key, new_key in new.lineage.items():
        if new_key is None:
            # a dropped v1 key is not reused for a different v2 item
            assert old_key not in new_keys, old_key
            continue
        before, after = old.question(old_key), new.question(new_key)
        assert before.dimension == after.dimension, old_key
        assert before.reverse == after.reverse, old_key
        assert old.scales[before.scale].type == new.scales[after.scale].type, old_key


def test_shared_ceo_and_team_keys_ask_the_same_thing():
    shared = {x.key for x in CEO.questions} & {x.key for x in TEAM.questions}
    assert len(shared) >= 15
    assert {x.key for x in CEO.questions} - shared == {"pr_no_process_needed",
                                                       "pr_process_slows_best"}
    for key in shared:
        c, t = CEO.question(key), TEAM.question(key)
        assert (c.dimension, c.reverse, c.perception, c.text) == \
            (t.dimension, t.reverse, t.perception, t.text), key
        assert CEO.scales[c.scale] == TEAM.scales[t.scale], key
