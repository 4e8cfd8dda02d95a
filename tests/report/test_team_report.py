"""The team report shows the engine's numbers and findings, in the engine's order, hides
what anonymity hides, says each thing once and renders the same content every time."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from assess import charts
from assess.present import role
from assess.report import Branding, build_team_report, fmt
from assess.report.render import ReportError
from questionnaires import load
from scoring import parse_answers, score
from scoring.synthetic import synthetic_answers

from .conftest import DAY, pdf_pages, sample_report


def after_cover(pages: list[str]) -> str:
    return " ".join(pages[1:])


def test_headline_figures_come_from_the_result(team_demo, team_pages):
    r = team_demo.result
    summary = team_pages[1]
    assert (f"Overall health of the sales ecosystem: {fmt(r.overall.score)} "
            f"{r.overall.band}") in summary
    for group in r.groups:
        assert f"{group.title} {fmt(group.score)} {group.band}" in summary
    assert f"Based on {r.respondents} responses, a response rate of 80%" in summary


def test_cover_names_round_fieldwork_response_rate_and_consultant(team_pages):
    cover = team_pages[0]
    for fact in ("Acme Widgets Ltd", "Round Q3 2025", "Fieldwork 1–19 September 2025",
                 "Responses 40, a response rate of 80%", "Report issued 30 September 2025",
                 "Northwind Advisory", "dana@northwind.example"):
        assert fact in cover, fact


def test_summary_names_every_critical_finding_and_the_top_ones(team_demo, team_pages):
    r, q = team_demo.result, team_demo.q
    summary = team_pages[1]
    bottom = min(q.bands, key=lambda b: b.min).label
    named = []
    for i, cause in enumerate(r.root_causes):
        dim = r.dimension(cause.dimensions[0]) if cause.dimensions else None
        critical = cause.kind not in ("gap", "agreement") and dim is not None \
            and dim.band == bottom
        if i < 3 or critical:
            assert f"{i + 1} {cause.title}" in summary, cause.title
            named.append(cause)
    assert any(r.dimension(c.dimensions[0]).band == bottom for c in named)
    # the band printed beside a finding is the band of the score as printed
    for cause in named:
        dim = r.dimension(cause.dimensions[0])
        if cause.kind not in ("gap", "agreement"):
            assert f"{cause.title} {fmt(dim.score)} · {q.band(dim.score)}" in summary


def test_summary_says_what_changed_in_one_line(team_demo, team_pages):
    r = team_demo.result
    before = team_demo.previous_results[-1][1]
    line = (f"Since Q2: overall {fmt(before.overall.score)} → {fmt(r.overall.score)}.")
    assert line in team_pages[1]
    real = [t for t in r.trend if t.real]
    assert real and all(team_demo.q.dimension(t.dimension).title in team_pages[1]
                        for t in real)
    assert "noise" not in " ".join(team_pages)
    assert "not yet clear" in team_pages[1]


def test_every_dimension_row_equals_the_engine(team_demo, team_text):
    for dim in team_demo.result.dimensions:
        assert not dim.suppressed
        row = f"{dim.title} {fmt(dim.score)} {dim.n} {fmt(dim.sd, 'sd')} {dim.band}"
        assert row in team_text, row


def test_the_ladder_is_numbered_from_the_bottom_in_picture_and_text(team_demo, team_text):
    ladder = team_demo.result.ladder
    rungs = [f"{r.position} {r.title} {fmt(r.score)}" for r in reversed(ladder.rungs)]
    positions = [team_text.find(rung) for rung in rungs]
    assert all(p >= 0 for p in positions) and positions == sorted(positions), rungs
    assert "4 Belief" not in team_text and "1. Belief" not in team_text
    root = ladder.rung(ladder.start_here)
    assert f"1 {root.title} {fmt(root.score)} {root.n}" in team_text
    assert f"{root.band} Start here." in team_text


def test_causes_come_in_the_engine_order_with_their_evidence(team_demo, team_pages):
    r, q = team_demo.result, team_demo.q
    section = after_cover(team_pages).split("Root causes and their evidence", 1)[1]
    positions = [section.find(f"{i} {c.title}") for i, c in enumerate(r.root_causes, 1)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    statements = 0
    for cause in r.root_causes:
        for ev in cause.evidence:
            if ev.agree is None:
                continue
            statements += 1
            assert (f"“{q.question(ev.question).text}” {fmt(ev.agree, 'pct')} "
                    f"{fmt(ev.disagree, 'pct')} {ev.n}") in section
    assert statements >= 3


def test_each_why_is_said_once(team_demo, team_text):
    rules = {c.rule for c in team_demo.result.root_causes}
    assert team_text.count("Why this is a cause, not a symptom.") == len(rules)
    for cause in team_demo.result.root_causes:
        assert team_text.count(cause.explanation[:60]) == 1


def test_the_plan_is_numbered_as_the_engine_orders_it(team_demo, team_pages):
    r = team_demo.result
    section = after_cover(team_pages).split("30/60/90-day action plan", 1)[1]
    found = [section.find(f"{f.step} {f.text[:40]}") for f in r.plan]
    assert all(p >= 0 for p in found) and found == sorted(found), found
    assert [f.step for f in r.plan] == list(range(1, len(r.plan) + 1))
    later = section.split("Later, once the first actions have landed", 1)[1]
    for fix in r.later:
        assert fix.text[:40] in later
    # the summary's first actions are the plan's 30-day ones, with the same numbers
    for fix in r.plan:
        if fix.horizon_days == 30:
            assert f"{fix.step} {fix.text[:40]}" in team_pages[1]


def test_gaps_segments_and_trend(team_demo, team_text):
    r, q = team_demo.result, team_demo.q
    for gap in r.gaps:
        if gap.flagged and not gap.suppressed:
            assert q.dimension(gap.dimension).title in team_text.split("Perception gaps")[2]
    assert "Leadership here is CEO, Sales leaders, Sales managers, set against Sales reps" \
        in team_text
    heat = " ".join(f"{s.key} n={s.n}" for s in r.segments)
    assert f"Everyone n={r.respondents} {heat}" in team_text
    overall = " ".join(fmt(s.overall.score) for s in r.segments)
    assert f"Overall {fmt(r.overall.score)} {overall}" in team_text
    real = [t for t in r.trend if t.real]
    for t in real:
        title = q.dimension(t.dimension).title
        assert (f"{title} {fmt(t.previous)} {fmt(t.current)} {fmt(t.change, 'delta')} "
                f"{fmt(t.p_value, 'p')} real change") in team_text


def test_comments_only_where_enough_people_wrote(team_demo, team_text):
    texts = team_demo.comments
    section = team_text.split("In their own words", 2)[2]
    for key in texts.columns:
        answered = int((texts[key] != "").sum())
        question = team_demo.q.question(key).text
        assert (f"“{question}”" in section) == (answered >= 10), key
    shown = section.split("Appendix")[0]
    assert "Central" not in shown and "Sales reps" not in shown  # never attributed


def test_reliability_only_where_alpha_exists(team_demo, team_text):
    q = team_demo.q
    appendix = team_text.split("Reliability of each dimension (Cronbach's alpha)")[1]
    assert "n=0" not in appendix and " – " not in appendix
    for rel in team_demo.result.reliability:
        title = q.dimension(rel.dimension).title
        if rel.alpha is not None:
            assert f"{title} {fmt(rel.alpha, 'alpha')} ({rel.items} questions" in appendix
    missing = [q.dimension(r.dimension).title for r in team_demo.result.reliability
               if r.alpha is None]
    assert f"It could not be computed for {', '.join(missing)}:" in appendix


def test_no_internal_keys_or_hashes(team_demo, team_text):
    q = team_demo.q
    assert q.content_hash[:8] not in team_text
    assert not re.search(r"\b(bucket|culprit|foundation|process)\.[a-z_]+", team_text)
    assert "team-ecosystem" not in team_text
    assert "(rep)" not in team_text and "ceo, leader" not in team_text
    assert role("rep", short=True) in team_text


def test_sections_come_in_order(team_pages):
    headings = ["Executive summary", "Scores by area", "The sales ecosystem",
                "The rep foundations ladder", "Culture culprits", "Sales-process health",
                "Perception gaps", "Results by team", "What changed since last time",
                "Root causes and their evidence", "30/60/90-day action plan",
                "In their own words", "Appendix: method and safeguards"]
    text = after_cover(team_pages)
    position = 0
    for heading in headings:  # each found after the one before
        position = text.index(heading, position) + len(heading)


def test_running_header_and_page_numbers(team_pages):
    total = len(team_pages)
    assert 8 <= total <= 12
    for number, text in enumerate(team_pages[1:], 2):
        assert f"page {number} of {total}" in text
        assert "Acme Widgets Ltd · Q3 2025" in text
    assert "page 1 of" not in team_pages[0]  # the cover has no running furniture


def test_same_input_same_content(team_demo, team_pdf):
    assert pdf_pages(sample_report(team_demo)) == pdf_pages(team_pdf)


def test_older_callers_still_work(team_demo):
    pdf = build_team_report(team_demo.result, team_demo.q, org="Acme", generated_on=DAY)
    text = " ".join(pdf_pages(pdf))
    assert "Fieldwork" not in text and "In their own words" not in text
    assert "Executive summary" in text


def test_lean_browser_stylesheet_changes_nothing_visible(team_demo, team_pdf):
    from assess.report import team_report_html
    from assess.report.render import write_pdf

    html, images = team_report_html(
        team_demo.result, team_demo.q, org="Acme Widgets Ltd", round_name="Q3 2025",
        consultant=Branding("Northwind Advisory"), response_rate=0.8,
        previous_results=team_demo.previous_results, generated_on=DAY,
        fieldwork=team_demo.fieldwork, contact=team_demo.contact,
        comments=team_demo.comments, external_css=True)
    stock = write_pdf(html, images, shared_css=True, lean_ua=False)
    assert pdf_pages(stock) == pdf_pages(team_pdf)


def test_document_is_accessible_and_portable(team_pdf):
    reader = PdfReader(io.BytesIO(team_pdf))
    assert reader.metadata.title == "Sales ecosystem diagnostic: Acme Widgets Ltd, Q3 2025"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert "/StructTreeRoot" in root  # tagged (PDF/UA-1 variant)
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if \
                "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font["/BaseFont"]))
    assert fonts and all("DejaVu" in f for f in fonts)
    assert len(team_pdf) < 2 * 2**20


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_demo_report_pages_are_all_used(team_pdf, tmp_path):
    pdf = tmp_path / "demo.pdf"
    pdf.write_bytes(team_pdf)
    subprocess.run(["pdftoppm", "-r", "20", "-gray", "-png", str(pdf), str(tmp_path / "p")],
                   check=True)
    images = sorted(tmp_path.glob("p-*.png"))
    assert 8 <= len(images) <= 12
    assert len(images) == len(PdfReader(io.BytesIO(team_pdf)).pages)
    for path in images:
        with Image.open(path) as page:
            # page furniture alone is a few hundred dark pixels; content is far more
            dark = sum(page.point(lambda v: 255 if v < 200 else 0).histogram()[255:])
        assert dark > 400, f"{path.name} looks blank"


def test_small_segments_never_appear():
    """40 people in two big teams plus a team of two."""
    q = load("team-ecosystem", 1)
    frame = synthetic_answers(q, 40, seed=7, teams=("North", "South"))
    frame.loc[frame.index[:2], "team"] = "Tiny"
    answers = parse_answers(frame, q)
    result = score(answers, q, by="team")
    tiny = next(s for s in result.segments if s.key == "Tiny")
    assert tiny.suppressed
    alone = score(parse_answers(frame[frame["team"] == "Tiny"], q), q, min_group_size=1)
    pdf = build_team_report(result, q, org="Acme", round_name="R1", generated_on=DAY)
    text = " ".join(pdf_pages(pdf))
    hidden = [s.key for s in result.segments if s.suppressed]
    assert f"Not shown, to protect anonymity: {', '.join(hidden)} (fewer than 5 answers" \
        in text
    assert text.count("Tiny") == 1
    assert f"{fmt(alone.overall.score)} Tiny" not in text


def test_below_threshold_round_shows_no_scores():
    q = load("team-ecosystem", 1)
    answers = parse_answers(synthetic_answers(q, 3, seed=3, with_text=True), q)
    result = score(answers, q)
    assert result.below_threshold
    text = " ".join(pdf_pages(build_team_report(result, q, org="Tiny Co", generated_on=DAY,
                                                comments=answers.texts,
                                                comment_threshold=1)))
    assert "Fewer than 5 people answered, so no results are shown" in text
    assert "Overall health" not in text and "More time with customers" not in text


def test_letter_page_size_and_bad_size(team_demo):
    result = team_demo.result
    pdf = build_team_report(result, team_demo.q, org="Acme", generated_on=DAY,
                            page_size="Letter")
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    assert "page 1 of" not in pdf_pages(pdf)[0] and "page 2 of" in pdf_pages(pdf)[1]
    with pytest.raises(ReportError):
        build_team_report(result, team_demo.q, org="Acme", page_size="A3")


def test_logo_is_the_only_file_read(team_demo, tmp_path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(charts.radar_png(["a", "b", "c"], [1.0, 2.0, 3.0], size_px=100))
    pdf = build_team_report(team_demo.result, team_demo.q, org="Acme", generated_on=DAY,
                            consultant=Branding("Northwind", logo, "#aa3355"))
    cover = PdfReader(io.BytesIO(pdf)).pages[0]
    assert cover["/Resources"]["/XObject"]  # the logo is drawn on the cover
    assert "Northwind" in pdf_pages(pdf)[0]


def test_untrusted_colour_never_reaches_css(team_demo):
    from assess.report import team_report_html

    html, _ = team_report_html(team_demo.result, team_demo.q, org="Acme",
                               consultant=Branding("X", None, "red;} body{display:none"))
    assert "display:none" not in html
