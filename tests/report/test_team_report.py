"""The team report shows the engine's numbers, hides what anonymity hides, and renders
the same content every time."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from PIL import Image
from pypdf import PdfReader

from assess import charts
from assess.report import Branding, build_team_report, fmt
from assess.report.render import ReportError
from questionnaires import load
from scoring import parse_answers, score
from scoring.synthetic import synthetic_answers

from .conftest import DAY, pdf_pages


def test_headline_figures_come_from_the_result(team_demo, team_text):
    r = team_demo.result
    assert (f"Overall health of the sales ecosystem: {fmt(r.overall.score)} "
            f"{r.overall.band}") in team_text
    for group in r.groups:
        assert f"{group.title} {fmt(group.score)} {group.band}" in team_text
    assert f"Based on {r.respondents} responses, a response rate of 80%" in team_text


def test_every_dimension_row_equals_the_engine(team_demo, team_text):
    for dim in team_demo.result.dimensions:
        assert not dim.suppressed
        row = f"{dim.title} {fmt(dim.score)} {dim.n} {fmt(dim.sd, 'sd')} {dim.band}"
        assert row in team_text, row


def test_causes_fixes_gaps_trend_and_segments_are_shown(team_demo, team_text):
    r, q = team_demo.result, team_demo.q
    assert r.root_causes and r.fixes and r.trend and r.segments
    for cause in r.root_causes:
        assert cause.title in team_text
        for ev in cause.evidence:
            if ev.agree is not None:  # a statement, with its agreement
                assert (f"{q.question(ev.question).text} {fmt(ev.agree, 'pct')} "
                        f"{fmt(ev.disagree, 'pct')} {ev.n}") in team_text
                continue
            what = q.question(ev.question).text if ev.question else \
                q.dimension(ev.dimension).title if ev.dimension else ""
            shown = fmt(ev.value, "value") if ev.value is not None else fmt(ev.score)
            unbroken = team_text.replace("- ", "-")  # words wrapped at a hyphen
            assert f"{what} {shown} {ev.n}".strip() in unbroken
    for fix in r.fixes:
        assert fix.text in team_text
    for gap in r.gaps:
        if gap.flagged and not gap.suppressed:
            title = q.dimension(gap.dimension).title
            assert (f"{title} {fmt(gap.a_score)} {fmt(gap.b_score)} "
                    f"{fmt(gap.gap, 'gap')}") in team_text
    for t in r.trend:
        title = q.dimension(t.dimension).title
        assert (f"{title} {fmt(t.previous)} {fmt(t.current)} {fmt(t.change, 'delta')} "
                f"{fmt(t.p_value, 'p')}") in team_text
    for seg in r.segments:
        assert f"{seg.key} {seg.n} {fmt(seg.overall.score)} {seg.overall.band}" in team_text
    for rel in r.reliability:
        if rel.alpha is not None:
            title = q.dimension(rel.dimension).title
            assert f"{title} {rel.items} {rel.n} {fmt(rel.alpha, 'alpha')}" in team_text


def test_sections_come_in_the_order_of_the_issue(team_text):
    headings = ["Executive summary", "The sales ecosystem", "The rep foundations ladder",
                "Culture culprits", "Sales-process health", "Perception gaps",
                "Results by team", "What changed since last time",
                "Root causes and their evidence", "30/60/90-day action plan",
                "Appendix: method and safeguards"]
    position = 0
    for heading in headings:  # each found after the one before
        position = team_text.index(heading, position) + len(heading)


def test_running_header_and_page_numbers(team_pdf):
    pages = pdf_pages(team_pdf)
    total = len(pages)
    for number, text in enumerate(pages[1:], 2):
        assert f"page {number} of {total}" in text
        assert "Acme Widgets Ltd · Q3 2025" in text
    assert "page 1 of" not in pages[0]  # the cover has no running furniture


def test_same_input_same_content(team_demo, team_pdf):
    again = build_team_report(
        team_demo.result, team_demo.q, org="Acme Widgets Ltd", round_name="Q3 2025",
        consultant=Branding("Northwind Advisory"), response_rate=0.8,
        previous_results=team_demo.previous_results, generated_on=DAY)
    assert pdf_pages(again) == pdf_pages(team_pdf)


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
    assert 14 <= len(images) <= 24
    assert len(images) == len(PdfReader(io.BytesIO(team_pdf)).pages)
    for path in images:
        with Image.open(path) as page:
            # page furniture alone is a few hundred dark pixels; content is far more
            dark = sum(page.point(lambda v: 255 if v < 200 else 0).histogram()[255:])
        assert dark > 400, f"{path.name} looks blank"


def small_segment_case():
    """40 people in two big teams plus a team of two."""
    q = load("team-ecosystem", 1)
    frame = synthetic_answers(q, 40, seed=7, teams=("North", "South"))
    frame.loc[frame.index[:2], "team"] = "Tiny"
    answers = parse_answers(frame, q)
    return q, frame, answers


def test_small_segments_never_appear(monkeypatch):
    q, frame, answers = small_segment_case()
    result = score(answers, q, by="team")
    tiny = next(s for s in result.segments if s.key == "Tiny")
    assert tiny.suppressed
    alone = score(parse_answers(frame[frame["team"] == "Tiny"], q), q, min_group_size=1)

    seen = {}
    real_heatmap = charts.heatmap_png

    def spy(rows, columns, values, **kwargs):
        seen["columns"], seen["values"] = list(columns), values
        return real_heatmap(rows, columns, values, **kwargs)

    monkeypatch.setattr(charts, "heatmap_png", spy)
    pdf = build_team_report(result, q, org="Acme", round_name="R1", generated_on=DAY)
    text = " ".join(pdf_pages(pdf))
    assert f"fewer than {result.min_group_size}" in text
    row = text[text.index("Tiny"):][:120]
    assert row.startswith("Tiny – hidden: fewer than 5 answers")
    assert f"Tiny {tiny.n}" not in text
    assert f"Tiny 2 {fmt(alone.overall.score)}" not in text
    column = seen["columns"].index("Tiny")
    assert all(line[column] is None for line in seen["values"])


def test_below_threshold_round_shows_no_scores():
    q = load("team-ecosystem", 1)
    answers = parse_answers(synthetic_answers(q, 3, seed=3), q)
    result = score(answers, q)
    assert result.below_threshold
    text = " ".join(pdf_pages(build_team_report(result, q, org="Tiny Co",
                                                generated_on=DAY)))
    assert "Fewer than 5 people answered, so no results are shown" in text
    assert "Overall health" not in text


def test_letter_page_size_and_bad_size(team_demo):
    result = team_demo.result
    pdf = build_team_report(result, team_demo.q, org="Acme", generated_on=DAY,
                            page_size="Letter")
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
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


def test_team_report_follows_the_engine(team_demo, team_text):
    titles = [c.title for c in team_demo.result.root_causes]
    section = team_text.split("Root causes and their evidence", 1)[1]
    positions = [section.find(f"{i}. {title}") for i, title in enumerate(titles, start=1)]
    assert all(p >= 0 for p in positions) and positions == sorted(positions)
    plan = [f.text for f in team_demo.result.plan]
    plan_section = team_text.split("30/60/90-day action plan", 1)[1]
    found = [plan_section.find(f"{i} {text[:40]}") for i, text in enumerate(plan, start=1)]
    assert all(p >= 0 for p in found), found
