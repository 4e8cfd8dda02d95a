"""Validation names the file, the path inside it and the problem."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from questionnaires import QuestionnaireError, load_file, load_ref, parse

MINI = Path(__file__).parents[1] / "scoring" / "data" / "mini-team" / "v1.yaml"
BASE = yaml.safe_load(MINI.read_text())


def broken(change):
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(QuestionnaireError) as err:
        parse(data, source="x.yaml")
    return str(err.value)


def test_unknown_scale():
    msg = broken(lambda d: d["questions"][0].update(scale="agree7"))
    assert "x.yaml: questions[0] (tm_a).scale: unknown scale 'agree7'" in msg


def test_duplicate_question_key():
    msg = broken(lambda d: d["questions"][1].update(key="tm_a"))
    assert "x.yaml: questions: duplicate key 'tm_a'" in msg


@pytest.mark.parametrize("weight", [0, -1])
def test_weight_must_be_positive(weight):
    msg = broken(lambda d: d["questions"][0].update(weight=weight))
    assert "questions[0] (tm_a).weight: must be greater than 0" in msg


def test_dimension_without_questions():
    def drop(d):
        d["questions"] = [q for q in d["questions"] if q["dimension"] != "bucket.talent"]
    assert "dimensions[1] (bucket.talent): has no questions" in broken(drop)


def test_lineage_pointing_nowhere():
    msg = broken(lambda d: d.update(lineage={"old": "missing_key"}))
    assert "lineage.old: points to 'missing_key', which is not a question here" in msg


def test_fix_for_unknown_dimension():
    msg = broken(lambda d: d["fixes"].append({"key": "f_x", "dimension": "bucket.nope",
                                             "owner": "ceo", "horizon_days": 30, "text": "t"}))
    assert "fixes[14] (f_x).dimension: unknown dimension 'bucket.nope'" in msg


def test_unknown_rule_type_and_bad_owner_and_horizon():
    def change(d):
        d["rules"][0]["type"] = "vibes"
        d["fixes"][0]["owner"] = "intern"
        d["fixes"][0]["horizon_days"] = 45
    msg = broken(change)
    assert "rules[0] (ladder).type: unknown rule type 'vibes'" in msg
    assert "fixes[0] (f_tm).owner: must be one of" in msg
    assert "fixes[0] (f_tm).horizon_days: must be 30, 60 or 90" in msg


def test_roles_must_be_exactly_the_contract_list():
    assert "roles: must be exactly" in broken(lambda d: d.update(roles=["rep", "ceo"]))


def test_dimension_keys_are_fixed_except_process():
    msg = broken(lambda d: d["dimensions"][0].update(key="bucket.vibes"))
    assert "not a known dimension" in msg


def test_every_dimension_needs_a_fix():
    msg = broken(lambda d: d.update(fixes=[f for f in d["fixes"] if f["key"] != "f_tal"]))
    assert "no fix for dimension 'bucket.talent'" in msg


def test_number_scale_points_must_increase():
    msg = broken(lambda d: d["scales"]["gap_days"].update(points=[[5, 100], [0, 0]]))
    assert "scales.gap_days.points: values must strictly increase" in msg


def test_all_errors_are_reported_at_once():
    def change(d):
        d["questions"][0]["scale"] = "nope"
        d["questions"][1]["weight"] = 0
    assert broken(change).count("x.yaml:") == 2


def test_key_and_version_must_match_the_file(tmp_path):
    folder = tmp_path / "other-name"
    folder.mkdir()
    (folder / "v3.yaml").write_text(MINI.read_text())
    with pytest.raises(QuestionnaireError) as err:
        load_file(folder / "v3.yaml")
    assert "does not match its folder" in str(err.value)
    assert "does not match the file name 'v3.yaml'" in str(err.value)


def test_invalid_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "k" / "v1.yaml"
    bad.parent.mkdir()
    bad.write_text("key: [unclosed")
    with pytest.raises(QuestionnaireError, match="invalid YAML"):
        load_file(bad)
    with pytest.raises(QuestionnaireError, match="cannot read"):
        load_file(tmp_path / "none" / "v1.yaml")


def test_content_hash_changes_with_content(tmp_path):
    folder = tmp_path / "mini-team"
    folder.mkdir()
    (folder / "v1.yaml").write_text(MINI.read_text())
    first = load_file(folder / "v1.yaml").content_hash
    (folder / "v1.yaml").write_text(MINI.read_text() + "\n# edited\n")
    assert load_file(folder / "v1.yaml").content_hash != first
    assert len(first) == 64


def test_refs():
    assert load_ref("team-ecosystem@1").version == 1
    assert load_ref("team-ecosystem@v1").key == "team-ecosystem"
    with pytest.raises(QuestionnaireError, match="unknown questionnaire"):
        load_ref("team-ecosystem@9")
    with pytest.raises(QuestionnaireError, match="KEY@VERSION"):
        load_ref("team ecosystem@x")


def test_a_comma_in_unquoted_flow_text_is_caught():
    data = yaml.safe_load(MINI.read_text().replace("{key: one, title: One}",
                                                   "{key: one, title: One, two and three}"))
    with pytest.raises(QuestionnaireError) as err:
        parse(data, source="x.yaml")
    assert "sections[0] (one).two and three: unknown field (quote text that contains a comma)" \
        in str(err.value)
