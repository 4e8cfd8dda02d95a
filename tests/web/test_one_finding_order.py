"""One rule, one place: the CEO page, the CEO PDF and `assess score` name the same causes
in the same order and the same rung to start on (the team PDF: tests/report)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from assess.cli import main
from questionnaires import ROOT, load

from ..report.conftest import pdf_pages

CEO = load("ceo-quick", 1)


def patterns():
    likert = [x.key for x in CEO.scored_questions if CEO.scale_of(x).type == "likert"]
    rng = np.random.default_rng(5)
    out = {
        "weak talent and competency": {**dict.fromkeys(likert, 4), "tal_comp_plan": 1,
                                       "fc_skills": 1},
        "weak marketing and belief": {**dict.fromkeys(likert, 4), "mk_lead_quality": 2,
                                      "fb_mission_belief": 1},
        "all lowest": dict.fromkeys(likert, 1),
        "all highest": dict.fromkeys(likert, 5),
    }
    for i in range(4):
        out[f"random {i}"] = {key: int(rng.integers(1, 6)) for key in likert}
        out[f"random {i}"]["pr_contact_gap_days"] = int(rng.integers(0, 30))
    return out


@pytest.fixture
def ceo_app(app_factory):
    return app_factory(QUESTIONNAIRES_ROOT=str(ROOT), QUICK_QUESTIONNAIRE="ceo-quick")


def _page_order(html: str) -> tuple[list[str], str | None]:
    block = html.split('id="root-causes"', 1)[1].split("</ol>", 1)[0] if \
        'id="root-causes"' in html else ""
    titles = re.findall(r"<h3>(.*?)</h3>", block)
    start = re.search(r'class="rung rung-root"[^>]*>\s*<span class="rung-title">\d+\. (.*?)<',
                      html)
    return titles, start.group(1) if start else None


@pytest.mark.parametrize("name", list(patterns()))
def test_ceo_page_pdf_and_json_agree(ceo_app, tmp_path, name):
    from assess.quick import operations as ops

    answers = patterns()[name]
    with ceo_app.app_context():
        token = ops.create(CEO, answers)
    client = ceo_app.test_client()
    html = client.get(f"/quick/result/{token}").get_data(as_text=True)
    text = " ".join(pdf_pages(client.get(f"/quick/result/{token}/report.pdf").data))

    csv = tmp_path / "ceo.csv"
    keys = list(answers)
    csv.write_text("role," + ",".join(keys) + "\nceo," + ",".join(str(answers[k])
                                                                    for k in keys) + "\n")
    done = ceo_app.test_cli_runner().invoke(main, ["score", str(csv), "--questionnaire",
                                                   "ceo-quick@1"])
    doc = json.loads(done.output)
    expected = [c["title"] for c in doc["root_causes"][:3]]

    titles, start = _page_order(html)
    assert titles == expected, name
    positions = [text.find(title) for title in expected]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), name
    start_key = doc["ladder"]["start_here"]
    assert start == (CEO.dimension(start_key).title if start_key else None), name
    if expected:
        assert f"Start with: {expected[0]}" in text and f"Start with: {expected[0]}" in html
