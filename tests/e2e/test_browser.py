"""The respondent journeys in real headless Chromium, on a desktop and a 360-px phone.

Team survey through the shared link (every section, review, submit, stored once),
save-and-resume in a second browser, the CEO quick assessment to its result page, plus
the page-level promises: no sideways scrolling on a phone, keyboard use with visible
focus, no serious axe-core violations, small pages and no third-party requests.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

pytestmark = pytest.mark.e2e

PROGRESS = re.compile(r"Question (\d+) of (\d+)(?: · about (\d+) minutes? left)?")
PAGE_BUDGET = 60 * 1024  # bytes of HTML + CSS for one survey page


# --------------------------------------------------------------------------- helpers


def axe_check(page: Any, where: str) -> None:
    """No axe-core violation of impact serious or critical on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response.get("violations", [])
           if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = [f"axe: {len(bad)} serious/critical violation(s) on {where} ({page.url}):"]
        for v in bad:
            lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v.get("nodes", [])[:5]:
                lines.append(f"    at {', '.join(map(str, node.get('target', [])))}: "
                             f"{node.get('failureSummary', '').replace(chr(10), ' ')}")
            if len(v.get("nodes", [])) > 5:
                lines.append(f"    ... and {len(v['nodes']) - 5} more")
        pytest.fail("\n".join(lines), pytrace=False)


def wait_after_double_submit(page: Any, url: re.Pattern[str]) -> None:
    """A double click sends a form twice: the browser drops the first navigation for the
    second, and a wait that followed the first can end in net::ERR_ABORTED while the
    page still arrives (seen on a busy machine)."""
    try:
        page.wait_for_url(url)
    except PlaywrightError as error:
        if "ERR_ABORTED" not in str(error):
            raise
        page.wait_for_url(url)


def assert_no_sideways_scroll(page: Any, viewport: str, where: str) -> None:
    if viewport != "phone":
        return
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 360, f"{where}: the page is {width}px wide on a 360-px phone ({page.url})"


def progress(page: Any) -> tuple[int, int]:
    """(this page, pages) of a question page, checking its progress line on the way."""
    text = page.locator(".progress-label").inner_text()
    match = PROGRESS.search(text)
    assert match, f"no 'Question X of N · about M minutes left' on {page.url}: {text!r}"
    box = page.locator("#progress")
    return int(box.get_attribute("data-page")), int(box.get_attribute("data-pages"))


def answer_page(page: Any, choice: int = 4) -> int:
    """Answer every question on the page; returns how many.

    The first radio group and every text field are used through real clicks and typing;
    the remaining radio groups are set in one script call (clicking ~80 radios one by one
    would triple the suite's time without testing anything new).
    """
    groups = page.locator("fieldset.likert")
    count = groups.count()
    if count:
        first = groups.first.locator(".scale input[type=radio]")
        values = [int(v) for v in first.evaluate_all("rs => rs.map(r => r.value)")]
        value = min(max(choice, min(values)), max(values))
        groups.first.locator(f".scale input[type=radio][value='{value}']").check()
        page.evaluate("""choice => {
            for (const fs of [...document.querySelectorAll('fieldset.likert')].slice(1)) {
                const radios = [...fs.querySelectorAll('.scale input[type=radio]')];
                const values = radios.map(r => Number(r.value));
                const v = Math.min(Math.max(choice, Math.min(...values)), Math.max(...values));
                radios.find(r => Number(r.value) === v).checked = true;
            }
        }""", choice)
    for box in page.locator(".question.number input[type=number]").all():
        box.fill("3")
        count += 1
    for area in page.locator(".question.text textarea").all():
        area.fill("More time with customers, please.")
        count += 1
    return count


def start_survey(page: Any, survey_url: str) -> tuple[int, int]:
    page.goto(survey_url)
    assert "anonymous" in page.locator("main").inner_text().lower()
    page.select_option("#role", "rep")
    page.select_option("#team", "East")
    page.click("#start")
    page.wait_for_url(re.compile(r"/r/[^/]+/section/1$"))
    return progress(page)


def go_through_sections(page: Any, first: int, total: int, viewport: str,
                        shoot: Any = None) -> None:
    """From section `first` (already open) to the review page, answering everything."""
    for number in range(first, total + 1):
        assert progress(page) == (number, total)
        assert answer_page(page) > 0, f"section {number} shows no question"
        if number == 1:
            assert_no_sideways_scroll(page, viewport, "section page")
            if shoot:
                shoot(page, "section")
        page.click("#next")
        if number < total:
            page.wait_for_url(re.compile(rf"/section/{number + 1}$"))
    page.wait_for_url(re.compile(r"/review$"))


# --------------------------------------------------------------------------- team survey


def test_team_survey_through_the_shared_link(page: Any, live_server: Any, viewport: str,
                                             traffic: Any, shoot: Any) -> None:
    before, drafts = live_server.responses_in_round(), live_server.drafts_in_round()
    page.goto(live_server.survey_url)
    assert_no_sideways_scroll(page, viewport, "intro")
    axe_check(page, "the survey intro")
    shoot(page, "intro")

    first, total = start_survey(page, live_server.survey_url)
    assert first == 1 and total >= 3
    assert live_server.drafts_in_round() == drafts + 1
    axe_check(page, "a survey section page")
    go_through_sections(page, 1, total, viewport, shoot)

    assert "Review your answers" in page.locator("h1").inner_text()
    assert page.locator(".answer-row").count() > 20
    assert "Skipped" not in page.locator("dl.answers").first.inner_text()
    assert_no_sideways_scroll(page, viewport, "review")
    axe_check(page, "the review page")
    shoot(page, "review")

    # Changing an answer from review: one tap back to review, not on through the survey.
    page.locator("details.review-section summary").nth(1).click()
    page.click("#change-2")
    page.wait_for_url(re.compile(r"/section/2\?from=review$"))
    assert page.locator("#next").inner_text() == "Save and return to review"
    page.locator("fieldset.likert").first.locator(".scale input[value='1']").check()
    page.click("#next")
    page.wait_for_url(re.compile(r"/review$"))

    # Two quick clicks on "Send" (an impatient person) still store one response.
    page.locator("#submit").dblclick()
    wait_after_double_submit(page, re.compile(r"/thanks$"))
    assert "Thank you" in page.locator("h1").inner_text()
    assert_no_sideways_scroll(page, viewport, "thank-you")
    axe_check(page, "the thank-you page")
    shoot(page, "thanks")

    assert live_server.responses_in_round() == before + 1, "the response was not stored once"
    assert live_server.drafts_in_round() == drafts, "the draft was not deleted on submit"

    # The private link is spent: it now explains itself instead of reopening the draft.
    page.go_back()
    page.wait_for_load_state()
    assert live_server.responses_in_round() == before + 1


def test_save_and_resume_in_a_new_browser(page: Any, live_server: Any, new_context: Any,
                                          viewport: str, shoot: Any) -> None:
    before = live_server.responses_in_round()
    _, total = start_survey(page, live_server.survey_url)
    answer_page(page, choice=2)
    page.click("#save")
    page.wait_for_url(re.compile(r"/saved$"))
    assert_no_sideways_scroll(page, viewport, "saved page")
    axe_check(page, "the 'answers saved' page")
    shoot(page, "saved")
    resume_url = page.locator("#resume-link").get_attribute("href")
    assert resume_url and "/r/" in resume_url
    page.context.close()  # the first device is gone

    other = new_context().new_page()
    other.goto(resume_url)
    # "Save and finish later" on section 1: the resume link reopens it, answers kept.
    other.wait_for_url(re.compile(r"/section/1$"))
    assert progress(other) == (1, total)
    checked = other.locator("input[type=radio]:checked").evaluate_all(
        "rs => rs.map(r => r.value)")
    assert checked and set(checked) == {"2"}, "the saved answers did not come back"
    other.click("#next")
    other.wait_for_url(re.compile(r"/section/2$"))
    go_through_sections(other, 2, total, viewport)
    other.click("#submit")
    other.wait_for_url(re.compile(r"/thanks$"))
    assert live_server.responses_in_round() == before + 1

    # The resume link does not reopen a submitted draft.
    gone = other.goto(resume_url)
    assert gone is not None and gone.status == 404
    assert "not active" in other.locator("h1").inner_text()


# --------------------------------------------------------------------------- CEO


def test_ceo_quick_assessment_to_its_result(page: Any, live_server: Any, viewport: str,
                                            shoot: Any) -> None:
    before = live_server.newest_quick_results()
    page.goto(live_server.ceo_url)
    assert_no_sideways_scroll(page, viewport, "CEO start")
    axe_check(page, "the CEO start page")
    shoot(page, "ceo-start")
    page.click("#begin")
    page.wait_for_url(re.compile(r"/quick/answer$"))
    axe_check(page, "a CEO question page")
    number, total = progress(page)
    assert number == 1
    for expected in range(1, total + 1):
        assert progress(page) == (expected, total)
        answer_page(page, choice=3 if expected % 2 else 2)
        if expected == 1:
            assert_no_sideways_scroll(page, viewport, "CEO question page")
            shoot(page, "ceo-page")
        page.click("#next")
        page.wait_for_load_state()
    page.wait_for_url(re.compile(r"/quick/result/[^/]+$"))
    assert live_server.newest_quick_results() == before + 1

    assert page.locator("#overall-band").inner_text().strip().lower() in (
        "healthy", "watch", "critical")
    # the biggest finding and the first action are read without scrolling, phone included
    height = page.viewport_size["height"]
    for selector in ("#first-title", "#first-action"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] + box["height"] <= height, \
            f"{selector} is below the first screen ({box})"
    assert page.locator("svg.bar").count() >= 5  # every score drawn against the weak line
    assert page.locator("ol.ladder li.rung").count() >= 3
    assert page.locator("#root-causes li").count() >= 1
    assert page.locator("#fixes li").count() >= 1
    for selector in ("ol.ladder", "#root-causes", "#fixes", "#offer"):
        assert page.locator(selector).is_visible(), f"{selector} is not visible"
    assert_no_sideways_scroll(page, viewport, "CEO result")
    axe_check(page, "the CEO result page")
    shoot(page, "ceo-result")


# --------------------------------------------------------------------------- keyboard, weight


def test_keyboard_reaches_and_selects_a_radio(page: Any, live_server: Any) -> None:
    start_survey(page, live_server.survey_url)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.className")
    assert "skip" in skip, "the first Tab should reach the 'Skip to content' link"
    assert page.locator("a.skip").is_visible(), "the skip link stays off screen when focused"
    for _ in range(40):
        kind = page.evaluate("document.activeElement.type || ''")
        if kind == "radio":
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("40 presses of Tab did not reach a radio button")
    name = page.evaluate("document.activeElement.name")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked"), "Space did not select the radio"
    assert page.locator(f"input[name='{name}']:checked").count() == 1
    focus = page.evaluate("""() => {
        const el = document.activeElement, s = getComputedStyle(el);
        return {visible: el.matches(':focus-visible'), style: s.outlineStyle,
                width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow};
    }""")
    assert focus["visible"], "the focused radio does not match :focus-visible"
    assert (focus["style"] != "none" and focus["width"] >= 2) or focus["shadow"] != "none", \
        f"no visible focus indicator on the radio: {focus}"


def test_section_page_is_small_and_stays_on_loopback(page: Any, live_server: Any,
                                                     traffic: Any) -> None:
    start_survey(page, live_server.survey_url)
    page.wait_for_load_state("networkidle")
    traffic.reset()
    page.reload()
    page.wait_for_load_state("networkidle")
    weight = sum(size for url, size in traffic.sizes.items()
                 if traffic.types.get(url) in ("document", "stylesheet"))
    assert 0 < weight < PAGE_BUDGET, \
        f"section page HTML+CSS is {weight} bytes (budget {PAGE_BUDGET}): {traffic.sizes}"

    assert any(url.endswith(".css") for url in traffic.requests), "no stylesheet loaded"
    # (The `page` fixture checks afterwards that no request of any test left 127.0.0.1.)


def test_survey_pages_work_without_javascript(new_context: Any, live_server: Any) -> None:
    """Progressive enhancement at most: start, answer a page and save with JS off."""
    page = new_context(javascript=False).new_page()
    page.goto(live_server.survey_url)
    page.select_option("#role", "manager")
    page.click("#start")
    page.wait_for_url(re.compile(r"/section/1$"))
    page.locator("fieldset.likert").first.locator("input[type=radio]").first.check()
    page.locator("fieldset.likert").nth(1).locator(".point.extra").click()  # Don't know
    # Script-only controls stay out of the way; the resume link is plain, selectable text.
    assert page.locator("#copy-link").is_hidden() and page.locator("#restored").is_hidden()
    assert page.locator(".clear-answer:visible").count() == 0
    assert page.locator("#resume-link").inner_text().startswith("127.0.0.1:")
    page.click("#next")
    page.wait_for_url(re.compile(r"/section/2$"))
    assert progress(page)[0] == 2
    page.click("#save")
    page.wait_for_url(re.compile(r"/saved$"))
    page.click("#continue")
    page.wait_for_url(re.compile(r"/section/2$"))
    review = page.url.replace("/section/2", "/review")
    page.goto(review)
    page.locator("details.review-section summary").first.click()
    page.click("#change-1")
    page.wait_for_url(re.compile(r"/section/1\?from=review$"))
    page.click("#next")
    page.wait_for_url(re.compile(r"/review$"))


# --------------------------------------------------------------------------- phone UX


def test_question_pages_are_compact_and_keep_their_place(page: Any, live_server: Any,
                                                         viewport: str) -> None:
    start_survey(page, live_server.survey_url)
    measures = page.evaluate("""() => [...document.querySelectorAll('fieldset.likert')].map(fs => {
        const box = fs.getBoundingClientRect(), legend = fs.querySelector('legend')
            .getBoundingClientRect();
        const points = [...fs.querySelectorAll('.point')].map(l => l.getBoundingClientRect());
        return {height: box.height, top: box.top, legendTop: legend.top,
                legendHeight: legend.height, lineHeight: parseFloat(
                    getComputedStyle(fs.querySelector('legend')).lineHeight),
                narrowest: Math.min(...points.map(p => p.width)),
                lowest: Math.min(...points.map(p => p.height)),
                rows: new Set(points.map(p => Math.round(p.top))).size};
    })""")
    assert len(measures) >= 5
    for m in measures:
        # 44-px touch targets, one row, and the divider above the text, not through it
        assert m["narrowest"] >= 44 and m["lowest"] >= 44, m
        assert m["rows"] == 1, f"the scale wraps onto {m['rows']} rows: {m}"
        assert m["legendTop"] - m["top"] >= 5, f"the divider runs through the question: {m}"
        if viewport == "phone":
            # the question text plus one compact row: a two-line question stays <= 140 px
            assert m["height"] - m["legendHeight"] <= 95, m
            if m["legendHeight"] <= 2 * m["lineHeight"] + 1:
                assert m["height"] <= 140, m
    # each radio has a name of its own; "Don't know" is a choice of its own, set apart
    first = page.locator("fieldset.likert").first
    assert first.get_by_role("radio", name="Strongly disagree").count() == 1
    assert first.get_by_role("radio", name="Don't know").get_attribute("value") == "dk"
    # the progress line stays on screen at the bottom of the page
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(100)
    box = page.locator("#progress").bounding_box()
    assert box is not None and abs(box["y"]) < 1, box
    assert re.search(r"^Question 1 of \d+ · about \d+ minutes left$",
                     page.locator(".progress-label").inner_text())


def test_intro_start_is_above_the_fold(page: Any, live_server: Any, viewport: str) -> None:
    page.goto(live_server.survey_url)
    facts = page.locator("#intro-facts").inner_text()
    assert re.search(r"About \d+ minutes · up to \d+ questions, one page per topic", facts)
    box = page.locator("#start").bounding_box()
    assert box is not None and box["y"] + box["height"] <= page.viewport_size["height"], box


def test_answers_survive_a_closed_tab(new_context: Any, live_server: Any, shoot: Any) -> None:
    context = new_context()
    page = context.new_page()
    start_survey(page, live_server.survey_url)
    url = page.url
    groups = page.locator("fieldset.likert")
    groups.nth(0).locator(".scale .point").nth(1).click()  # "2", a real tap
    groups.nth(2).locator(".point.extra").click()  # "Don't know"
    names = [groups.nth(i).locator("input").first.get_attribute("name") for i in (0, 2)]
    page.close()  # the tab is closed before any button was pressed

    again = context.new_page()
    again.goto(url)
    assert again.locator("#restored").is_visible()
    checked = again.evaluate("""() => Object.fromEntries([...document.querySelectorAll(
        'fieldset.likert input:checked')].map(r => [r.name, r.value]))""")
    assert checked == {names[0]: "2", names[1]: "dk"}, checked
    shoot(again, "restored")
    again.click("#next")
    again.wait_for_url(re.compile(r"/section/2$"))
    kept = again.evaluate("Object.keys(localStorage).filter(k => k.startsWith('assess:'))")
    assert kept == [], f"the browser still holds saved answers: {kept}"
    again.goto(url)  # now the server has them: nothing to put back
    assert again.locator("#restored").is_hidden()
    assert again.locator(f"input[name='{names[0]}'][value='2']").is_checked()
    assert again.locator(f"input[name='{names[1]}'][value='dk']").is_checked()


def test_resume_link_copy_button(page: Any, live_server: Any) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"],
                                   origin=live_server.base_url)
    start_survey(page, live_server.survey_url)
    link = page.locator("#resume-link")
    href = link.get_attribute("href")
    assert href and link.inner_text() == href.split("://", 1)[1]
    page.click("#copy-link")
    page.wait_for_function(
        "document.querySelector('.copy-status').textContent.includes('copied')")
    assert page.evaluate("navigator.clipboard.readText()") == href


def test_ceo_days_item_is_explained_once_and_can_be_cleared(page: Any, live_server: Any,
                                                            viewport: str,
                                                            shoot: Any) -> None:
    page.goto(live_server.ceo_url)
    page.click("#begin")
    page.wait_for_url(re.compile(r"/quick/answer$"))
    assert re.search(r"^Question 1 of \d+ · about \d+ minutes? left$",
                     page.locator(".progress-label").inner_text())
    page.click("#next")
    page.wait_for_selector(".question.number")
    item = page.locator(".question.number").first
    assert item.locator(".hint").count() == 1
    hint = item.locator(".hint").inner_text()
    assert hint.count("90") == 1 and "empty" in hint, hint
    box, clear = item.locator("input[type=number]"), item.locator(".clear-answer")
    assert clear.is_hidden() or not clear.is_enabled()
    box.fill("12")
    assert clear.is_visible() and clear.is_enabled()
    clear.click()
    assert box.input_value() == ""
    assert_no_sideways_scroll(page, viewport, "CEO page 2")
    axe_check(page, "the CEO page with the days item")
    box.fill("5")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "ceo-page-2")


def test_review_warns_before_sending_a_thin_survey(page: Any, live_server: Any,
                                                   viewport: str, shoot: Any) -> None:
    before = live_server.responses_in_round()
    start_survey(page, live_server.survey_url)
    review = page.url.replace("/section/1", "/review")
    page.goto(review)
    assert page.locator("#empty-warning").is_visible() and page.locator("#submit").count() == 0
    page.goto(review.replace("/review", "/section/1"))
    page.locator("fieldset.likert").first.locator(".scale input[value='4']").check()
    page.click("#next")
    page.goto(review)
    assert page.locator("#few-warning").is_visible()
    page.locator("details.about summary").click()
    axe_check(page, "the review page with a warning and the role form")
    assert_no_sideways_scroll(page, viewport, "review with a warning")
    shoot(page, "review-few")
    page.click("#submit")  # not confirmed: the browser keeps the respondent here
    assert page.url == review and live_server.responses_in_round() == before
    page.check("#confirm-few")
    page.click("#submit")
    page.wait_for_url(re.compile(r"/thanks$"))
    assert live_server.responses_in_round() == before + 1


def test_role_change_on_review_names_the_sections(page: Any, live_server: Any) -> None:
    start_survey(page, live_server.survey_url)
    page.goto(page.url.replace("/section/1", "/review"))
    sections = page.locator("details.review-section").count()
    page.locator("details.about summary").click()
    page.select_option("#role", "support")
    page.click("#about-save")
    page.wait_for_url(re.compile(r"/review$"))
    note = page.locator(".flash").inner_text()
    assert "Your role is now" in note and "No longer asked" in note, note
    assert page.locator("details.review-section").count() < sections


def test_error_pages_and_favicon(page: Any, live_server: Any, viewport: str,
                                 shoot: Any) -> None:
    statuses: dict[str, int] = {}
    page.on("response", lambda r: statuses.__setitem__(r.url, r.status))
    gone = page.goto(live_server.base_url + "/r/not-a-real-link/section/1")
    assert gone is not None and gone.status == 404
    main = page.locator("main").inner_text()
    assert "Error" not in main and "404" not in main
    assert page.locator("#next-step").count() == 0  # nowhere useful to send a respondent
    assert page.locator("header a").count() == 0  # nor to the CEO's sales page
    axe_check(page, "an error page")
    shoot(page, "error")
    for icon in ("/favicon.ico", "/static/favicon.svg"):
        assert page.request.get(live_server.base_url + icon).status == 200, icon
    assert not [url for url, status in statuses.items()
                if status == 404 and "favicon" in url], statuses
