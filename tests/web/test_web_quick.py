"""The CEO quick assessment: two pages, nothing stored until the result exists."""

from __future__ import annotations

import re

from assess.models import QuickResult

PAGE1 = {"c_customers": "4", "c_crm": "2", "c_gap": "12", "c_leads": "3"}
PAGE2 = {"c_belief": "2", "c_desire": "4"}


def finish(client) -> str:
    response = client.post("/quick/answer", data=PAGE1 | {"page": "1", "action": "next"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Question 5 of 6 · about 1 minute left" in html
    assert '<input type="hidden" name="c_crm" value="2">' in html
    done = client.post("/quick/answer", data=PAGE1 | PAGE2 | {"page": "2"})
    assert done.status_code == 302
    return done.headers["Location"]


def test_landing_offers_the_quick_check(client):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/quick/"' in html and "/login" in html
    start = client.get("/quick/").get_data(as_text=True)
    assert "6 statements" in start and 'href="/quick/answer"' in start


def test_first_page(client):
    html = client.get("/quick/answer").get_data(as_text=True)
    assert "Question 1 of 6 · about 1 minute left" in html and 'name="c_customers"' in html
    assert '<progress max="6" value="0"' in html and "Your market</h1>" in html
    assert 'name="c_belief"' not in html


def test_result_page(client, rows):
    url = finish(client)
    assert re.search(r"/quick/result/[A-Za-z0-9_-]{32,}$", url)
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="overall-score"' in html and 'id="overall-band"' in html
    assert "Target market" in html and "Marketing" in html  # score bars, with text
    assert 'class="rung rung-root"' in html and "Start here" in html  # belief = 25
    assert 'id="root-causes"' in html and 'id="fixes"' in html
    assert "Run this with my team" in html
    assert "Download PDF" not in html
    [stored] = rows(QuickResult)
    assert stored.answers == {"c_customers": 4, "c_crm": 2, "c_gap": 12, "c_leads": 3,
                              "c_belief": 2, "c_desire": 4}
    assert stored.id not in url  # only the hash of the URL token is stored


def test_back_keeps_answers(client, rows):
    response = client.post("/quick/answer", data=PAGE1 | PAGE2 | {"page": "2",
                                                                  "action": "back"})
    html = response.get_data(as_text=True)
    assert "Question 1 of 6" in html and 'id="c_crm-2" name="c_crm" value="2" checked' in html
    assert '<input type="hidden" name="c_belief" value="2">' in html
    assert rows(QuickResult) == []


def test_bad_input_stores_nothing(client, rows):
    for data in [PAGE1 | {"page": "1", "c_crm": "9"},
                 PAGE1 | {"page": "1", "nope": "1"},
                 PAGE1 | {"page": "3"},
                 PAGE1 | {"page": "x"},
                 PAGE1 | {"page": "1", "action": "zap"},
                 PAGE1 | PAGE2 | {"page": "1"}]:  # page-2 answers posted on page 1
        assert client.post("/quick/answer", data=data).status_code == 400, data
    number = client.post("/quick/answer", data=PAGE1 | {"page": "1", "c_gap": "500"})
    assert number.status_code == 400 and "from 0 to 90" in number.get_data(as_text=True)
    assert rows(QuickResult) == []


def test_unknown_result(client):
    assert client.get("/quick/result/" + "x" * 32).status_code == 404
    assert client.get("/quick/result/" + "x" * 32 + "/report.pdf").status_code == 404


def test_an_empty_check_is_not_scored(client, rows):
    client.post("/quick/answer", data={"page": "1"})
    response = client.post("/quick/answer", data={"page": "2"})
    assert response.status_code == 400
    assert "at least one statement" in response.get_data(as_text=True)
    assert rows(QuickResult) == []
