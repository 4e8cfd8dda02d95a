"""A whole engagement in Chromium, as a consultant and their client's team would run it:
sign in, create a client and a round, copy the link, answer as five respondents, watch
the rate move, read the results, close the round, run round two, compare, download."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import LiveServer
from .test_browser import answer_page, assert_no_sideways_scroll, axe_check, progress

DEMO_LOGIN = ("demo@example.com", "demo-password")


def sign_in(page: Any, live_server: LiveServer) -> None:
    page.goto(live_server.base_url + "/login")
    page.fill("#email", DEMO_LOGIN[0])
    page.fill("#password", DEMO_LOGIN[1])
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/console/$"))


def respond(context_factory: Any, link: str, team: str, choice: int) -> None:
    """One respondent, in a browser of their own, from the link to the thank-you page."""
    page = context_factory().new_page()
    page.goto(link)
    page.select_option("#role", "rep")
    page.fill("#team", team) if page.locator("input#team").count() else \
        page.select_option("#team", team)
    page.click("#start")
    page.wait_for_url(re.compile(r"/section/1$"))
    _, total = progress(page)
    for number in range(1, total + 1):
        answer_page(page, choice=choice)
        page.click("#next")
        page.wait_for_url(re.compile(rf"/section/{number + 1}$|/review$"))
    page.click("#submit")
    page.wait_for_url(re.compile(r"/thanks$"))
    page.context.close()


def new_round(page: Any, title: str) -> str:
    """Fill the new-round form on the client page; returns the round page's URL."""
    page.click("#new-round")
    page.fill("#title", title)
    page.fill("#min_group_size", "5")
    page.fill("#teams", "East: 4\nWest: 3")
    page.click("#create-round")
    page.wait_for_url(re.compile(r"/console/rounds/[^/]+$"))
    return page.url


@pytest.mark.e2e
def test_a_whole_engagement(page: Any, live_server: LiveServer, new_context: Any,
                            viewport: str, shoot: Any) -> None:
    sign_in(page, live_server)
    page.fill("#name", f"Engaged Ltd ({viewport})")
    page.click("#new-client button[type=submit]")
    page.wait_for_url(re.compile(r"/console/clients/[^/]+$"))
    client_url = page.url
    round_url = new_round(page, "Spring check")
    assert_no_sideways_scroll(page, viewport, "round page")
    axe_check(page, "the round page")
    link = page.locator("#share-link").input_value()
    assert "/s/" in link
    page.click("#copy-share-link")  # the consultant copies it, as they would to send it
    page.wait_for_function("document.querySelector('.copy-status').textContent.length > 0")
    assert page.locator(".copy-status").inner_text() in ("Link copied.",
                                                         "Select the link and copy it.")
    assert "fewer than 5" in page.locator("main").inner_text()
    shoot(page, "console-round")

    for i, team in enumerate(("East", "East", "West", "East", "West")):
        respond(new_context, link, team, choice=2 + i % 2)
        if i == 0:
            page.reload()
            assert "fewer than 5" in page.locator("main").inner_text()
    page.reload()
    rate = page.locator("#progress-title + p.rate").inner_text()
    assert "5" in rate and "7 expected" in rate and "71%" in rate

    page.click("#results-link")
    page.wait_for_url(re.compile(r"/results$"))
    assert page.locator("#overall-score").inner_text().isdigit()
    assert page.locator("#root-causes li, #plan li").count() >= 1
    assert_no_sideways_scroll(page, viewport, "results page")
    axe_check(page, "the results page")
    shoot(page, "console-results")

    page.goto(round_url)
    page.click("#close-round")
    page.wait_for_url(round_url)
    assert page.locator("#round-state").inner_text().strip() == "Closed"

    page.goto(client_url)
    second = new_round(page, "Autumn check")
    link2 = page.locator("#share-link").input_value()
    assert link2 != link
    for i, team in enumerate(("East", "West", "East", "West", "East")):
        respond(new_context, link2, team, choice=4 + i % 2)

    page.goto(client_url)
    assert page.locator("#history tbody tr").count() == 2
    page.click("#compare-form button[type=submit]")
    page.wait_for_url(re.compile(r"/compare\?"))
    changes = page.locator("#changes").inner_text()
    assert "a real change" in changes or "not yet clear" in changes
    assert_no_sideways_scroll(page, viewport, "comparison")
    shoot(page, "console-compare")

    page.goto(second)
    with page.expect_download() as pdf:
        page.click("#download-pdf")
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as answers_csv:
        page.click("#download-csv")
    body = Path(answers_csv.value.path()).read_text(encoding="utf-8")
    assert body.startswith("respondent,role,team") and body.count("\n") == 6
    with page.expect_download() as answers_xlsx:
        page.click("#download-xlsx")
    assert Path(answers_xlsx.value.path()).read_bytes()[:2] == b"PK"
