"""The team survey, page by page, through the test client."""

from __future__ import annotations

import uuid

import pytest

from assess.models import Draft, Invitation, Response, Round

from .conftest import FULL


@pytest.fixture
def complete_pages(client, start):
    """Answer every page of the web-team survey as a rep, up to review; returns the token."""

    def go(link: str, role: str = "rep", team: str = "East") -> str:
        token = start(link, role=role, team=team)
        for number, data in FULL.items():
            response = client.post(f"/r/{token}/section/{number}",
                                   data=data | {"action": "next"})
            assert response.status_code == 302, response.get_data(as_text=True)[:800]
        return token

    return go


def test_intro_shows_promise_time_and_choices(client, make_round):
    r = make_round()
    page = client.get(f"/s/{r.link}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Web test team survey" in html
    assert "About 2 minutes · up to 7 questions</strong>, one page per topic" in html
    assert "(from 5 to 7)" in html
    assert "Anonymous." in html and "at least 3 people" in html
    assert 'name="role"' in html and 'name="team"' in html
    assert 'id="start"' in html


def test_full_flow_stores_exactly_the_answers(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}", role="rep", team="East")
    first = client.get(f"/r/{token}/section/1").get_data(as_text=True)
    assert "Question 1 of 7 · about 2 minutes left" in first and "Your market</h1>" in first
    assert '<fieldset class="question likert' in first and "<legend>" in first
    assert 'name="tm_customers"' in first and 'type="radio"' in first
    assert f"/r/{token}" in first  # the resume link is on every page
    for number, data in {1: {"tm_customers": "4", "tm_why_us": "5"},
                         2: {"be_mission": "2", "ex_process": "4"},
                         3: {"so_crm": "3", "so_gap": "7"},
                         4: {"open_change": "  More time with customers. "}}.items():
        response = client.post(f"/r/{token}/section/{number}", data=data | {"action": "next"})
        assert response.status_code == 302
    review = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert "Strongly agree (5)" in review and "7 days" in review
    assert client.post(f"/r/{token}/review").headers["Location"].endswith("/thanks")
    assert "Thank you" in client.get("/thanks").get_data(as_text=True)
    [stored] = rows(Response)
    assert stored.role == "rep" and stored.team == "East"
    assert stored.answers == {"tm_customers": 4, "tm_why_us": 5, "be_mission": 2,
                              "ex_process": 4, "so_crm": 3, "so_gap": 7,
                              "open_change": "More time with customers."}
    assert rows(Draft) == []


def test_questions_follow_the_role(client, make_round, start):
    r = make_round()
    token = start(f"/s/{r.link}", role="support")
    html = client.get(f"/r/{token}/section/1").get_data(as_text=True)
    assert "Question 1 of 5 ·" in html  # the reps-only questions are not counted
    page2 = client.get(f"/r/{token}/section/2").get_data(as_text=True)
    assert "Tools and timing" in page2 and "be_mission" not in page2
    answer = client.post(f"/r/{token}/section/2", data={"be_mission": "3"})
    assert answer.status_code == 400  # a question this role is not asked


def test_number_and_text_inputs(client, make_round, start):
    r = make_round()
    token = start(f"/s/{r.link}")
    html = client.get(f"/r/{token}/section/3").get_data(as_text=True)
    assert 'type="number" inputmode="numeric"' in html
    assert 'min="0" max="90"' in html
    assert '<label class="label" for="so_gap">' in html
    text = client.get(f"/r/{token}/section/4").get_data(as_text=True)
    assert "<textarea" in text and 'maxlength="2000"' in text


def test_save_and_resume(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    client.post(f"/r/{token}/section/1", data={"tm_customers": "2", "tm_why_us": "3",
                                               "action": "next"})
    saved = client.post(f"/r/{token}/section/2", data={"be_mission": "5", "action": "save"})
    assert saved.headers["Location"].endswith(f"/r/{token}/saved")
    page = client.get(f"/r/{token}/saved").get_data(as_text=True)
    assert "Your answers are saved" in page and f"/r/{token}" in page
    fresh = client.application.test_client()  # another device: no cookies at all
    resumed = fresh.get(f"/r/{token}")
    assert resumed.headers["Location"].endswith(f"/r/{token}/section/2")
    html = fresh.get(f"/r/{token}/section/2").get_data(as_text=True)
    assert 'value="5" checked' in html
    html1 = fresh.get(f"/r/{token}/section/1").get_data(as_text=True)
    assert 'value="2" checked' in html1
    [draft] = rows(Draft)
    assert draft.answers == {"tm_customers": 2, "tm_why_us": 3, "be_mission": 5}


def test_back_button_keeps_answers_and_clearing_removes_them(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    client.post(f"/r/{token}/section/1", data={"tm_customers": "2", "tm_why_us": "3"})
    back = client.post(f"/r/{token}/section/2", data={"be_mission": "4", "action": "back"})
    assert back.headers["Location"].endswith(f"/r/{token}/section/1")
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "3", "action": "next"})
    [draft] = rows(Draft)
    assert draft.answers == {"tm_why_us": 3, "be_mission": 4}


def test_required_question_is_asked_again(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    response = client.post(f"/r/{token}/section/1", data={"tm_customers": "4"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please answer this question." in html and 'value="4" checked' in html
    assert rows(Draft)[0].answers == {}
    review = client.post(f"/r/{token}/review")
    assert review.status_code == 400 and "required question" in review.get_data(as_text=True)
    assert rows(Response) == []


def test_number_out_of_range_is_explained(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    for bad, message in [("91", "from 0 to 90"), ("-1", "from 0 to 90"),
                         ("abc", "Please enter a number"), ("nan", "Please enter a number"),
                         ("inf", "Please enter a number")]:
        response = client.post(f"/r/{token}/section/3", data={"so_crm": "3", "so_gap": bad})
        assert response.status_code == 400, bad
        assert message in response.get_data(as_text=True)
    assert rows(Draft)[0].answers == {}


def test_tampered_fields_are_refused_and_nothing_stored(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    cases = [
        {"tm_customers": "6", "tm_why_us": "3"},  # off the scale
        {"tm_customers": "0", "tm_why_us": "3"},
        {"tm_customers": "2.5", "tm_why_us": "3"},
        {"tm_customers": "x", "tm_why_us": "3"},
        {"tm_why_us": "3", "unknown_key": "1"},  # unknown question key
        {"tm_why_us": "3", "so_crm": "3"},  # a question from another page
        {"tm_why_us": "3", "action": "explode"},
    ]
    for data in cases:
        response = client.post(f"/r/{token}/section/1", data=data)
        assert response.status_code == 400, data
        assert "Nothing was saved" in response.get_data(as_text=True) or \
            "Nothing on this page was saved" in response.get_data(as_text=True)
    duplicated = client.post(f"/r/{token}/section/1",
                             data={"tm_why_us": ["3", "4"]})
    assert duplicated.status_code == 400
    assert rows(Draft)[0].answers == {}
    assert client.post(f"/r/{token}/section/9", data={}).status_code == 404
    assert client.get(f"/r/{token}/section/0").status_code == 404


def test_overlong_text_and_oversized_body(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    long = client.post(f"/r/{token}/section/4", data={"open_change": "x" * 2001})
    assert long.status_code == 400 and "2000 characters" in long.get_data(as_text=True)
    huge = client.post(f"/r/{token}/section/4", data={"open_change": "x" * 70_000})
    assert huge.status_code == 413
    assert "too much" in huge.get_data(as_text=True)
    assert rows(Draft)[0].answers == {}


def test_double_submit_stores_one_response(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "4"})
    confirmed = {"confirm_few": "yes"}  # 1 of 6 answered: sent only when confirmed
    first = client.post(f"/r/{token}/review", data=confirmed)
    second = client.post(f"/r/{token}/review", data=confirmed)  # second click / tab / back
    assert first.headers["Location"].endswith("/thanks")
    assert second.headers["Location"].endswith("/thanks")
    assert len(rows(Response)) == 1
    gone = client.get(f"/r/{token}/review")
    assert gone.status_code == 404 and "already submitted" in gone.get_data(as_text=True)


def test_submit_after_another_tab_submitted(app, client, make_round, start, rows):
    """Two tabs hold the same draft; the second submit finds it consumed."""
    from assess.extensions import db
    from assess.respondent import operations as ops

    r = make_round()
    token = start(f"/s/{r.link}")
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "4"})
    with app.app_context():
        draft = ops.draft_by_token(token)
        args = (draft.id, draft.round_id, draft.role, draft.team, dict(draft.answers))
        db.session.rollback()
        assert ops.submit(*args) is not None
        assert ops.submit(*args) is None
    assert len(rows(Response)) == 1


def test_invitation_is_single_use_and_unlinked(client, make_round, invite, complete, rows,
                                               used):
    r = make_round(access_mode="invitation")
    token = invite(r.id)
    assert client.get(f"/i/{token}").status_code == 200
    complete(f"/i/{token}")
    again = client.get(f"/i/{token}")
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert client.post(f"/i/{token}", data={"role": "rep"}).status_code == 410
    [invitation] = rows(Invitation)
    assert used(r.id) == [True] and invitation.used is False  # the row is never written
    [response] = rows(Response)
    assert invitation.token_hash not in str(vars(response))
    assert client.get(f"/s/{r.link}").status_code == 404  # shared link off in this mode


def test_link_only_round_refuses_invitations(client, make_round, invite):
    r = make_round(access_mode="link")
    assert client.get(f"/i/{invite(r.id)}").status_code == 404
    assert client.get(f"/s/{r.link}").status_code == 200


def test_round_state_pages(client, make_round, start):
    later = make_round(opens_in_days=3)
    page = client.get(f"/s/{later.link}")
    assert page.status_code == 403 and "not open yet" in page.get_data(as_text=True)
    past = make_round(opens_in_days=-10, closes_in_days=-1)
    page = client.get(f"/s/{past.link}")
    assert page.status_code == 410 and "has closed" in page.get_data(as_text=True)
    manual = make_round(status="closed")
    assert client.get(f"/s/{manual.link}").status_code == 410
    assert client.post(f"/s/{manual.link}", data={}).status_code == 410


def test_round_closing_mid_survey(app, client, make_round, start, rows):
    from assess.extensions import db
    from assess.models import Round

    r = make_round()
    token = start(f"/s/{r.link}")
    with app.app_context():
        db.session.get(Round, r.id).status = "closed"
        db.session.commit()
    assert client.get(f"/r/{token}/section/1").status_code == 410
    assert client.post(f"/r/{token}/review").status_code == 410
    assert rows(Response) == []


def test_unknown_links(client, make_round):
    make_round()
    for path in ["/s/nope", "/i/nope", "/r/nope", "/r/nope/section/1", "/r/nope/review",
                 "/s/" + "a" * 500, "/s/%00%ff", "/i/..%2f..", "/quick/result/nope"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert "<h1" in response.get_data(as_text=True)


def test_team_list_on_the_round(client, make_round, start, rows):
    r = make_round(teams=["North", "South"])
    html = client.get(f"/s/{r.link}").get_data(as_text=True)
    assert '<option value="North">' in html
    assert client.post(f"/s/{r.link}", data={"team": "Elsewhere"}).status_code == 400
    assert client.post(f"/s/{r.link}", data={"role": "boss"}).status_code == 400
    start(f"/s/{r.link}", role="", team="South")
    [draft] = rows(Draft)
    assert draft.role is None and draft.team == "South"


def test_free_text_team_is_limited(client, make_round):
    r = make_round()
    assert client.post(f"/s/{r.link}", data={"team": "x" * 81}).status_code == 400


def test_response_ids_are_random_uuids(client, make_round, complete, rows):
    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")
    ids = [row.id for row in rows(Response)]
    assert len(set(ids)) == 3
    assert all(uuid.UUID(i).version == 4 for i in ids)


def test_resume_link_expires(app, client, make_round, start):
    from datetime import timedelta

    from assess.extensions import db
    from assess.models import today

    r = make_round()
    token = start(f"/s/{r.link}")
    with app.app_context():
        db.session.execute(Draft.__table__.update().values(
            expires_on=today() - timedelta(days=1)))
        db.session.commit()
    assert client.get(f"/r/{token}").status_code == 404


def test_change_from_review_goes_back_to_review(client, make_round, complete_pages, rows):
    r = make_round()
    token = complete_pages(f"/s/{r.link}")
    review = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert f'href="/r/{token}/section/2?from=review"' in review
    page = client.get(f"/r/{token}/section/2?from=review").get_data(as_text=True)
    assert "Save and return to review" in page and "Save and continue" not in page
    assert f'action="/r/{token}/section/2?from=review"' in page
    # The button, and "next" (what Enter in a number box sends): both lead back to review
    for action in ("review", "next"):
        done = client.post(f"/r/{token}/section/2?from=review",
                           data={"be_mission": "1", "ex_process": "2", "action": action})
        assert done.headers["Location"].endswith(f"/r/{token}/review"), action
    # Saving for later from there: the resume link reopens review, not section 2
    saved = client.post(f"/r/{token}/section/2?from=review",
                        data={"be_mission": "1", "action": "save"})
    assert saved.headers["Location"].endswith(f"/r/{token}/saved")
    assert client.get(f"/r/{token}").headers["Location"].endswith(f"/r/{token}/review")
    # An error keeps the respondent on the "from review" page
    bad = client.post(f"/r/{token}/section/1?from=review", data={"action": "review"})
    assert bad.status_code == 400 and "Save and return to review" in bad.get_data(as_text=True)
    [draft] = rows(Draft)
    assert draft.answers["be_mission"] == 1 and "ex_process" not in draft.answers


def test_navigation_is_one_pure_function():
    from assess.errors import BadForm
    from assess.survey.navigation import Step, navigate

    assert navigate("next", 2, 4) == Step("page", 3, 2)
    assert navigate("next", 4, 4) == Step("end", 4, 4)
    assert navigate("next", 2, 4, from_review=True) == Step("end", 4, 4)
    assert navigate("review", 2, 4) == Step("end", 4, 4)
    assert navigate("back", 2, 4) == Step("page", 1, 0)
    assert navigate("save", 2, 4) == Step("saved", 2, 1)
    assert navigate("save", 2, 4, from_review=True) == Step("saved", 2, 4)
    with pytest.raises(BadForm):
        navigate("explode", 1, 4)


def test_progress_counts_the_questions_of_the_role():
    """'Question 10 of 70 · about 10 minutes left': counted over what this role is asked,
    minutes scaled from the questionnaire's estimate for its longest role."""
    from assess.survey.paging import minutes_for, pages, progress
    from questionnaires import load_ref

    q = load_ref("team-ecosystem@2")
    rep = pages(q, "rep")
    first = progress(q, rep, 1)
    assert (first.first, first.total, first.minutes_left) == (1, 70, 12)
    second = progress(q, rep, 2)
    assert (second.first, second.done, second.total) == (10, 9, 70)
    assert second.minutes_left == 10 and second.title == rep[1].section.title
    last = progress(q, rep, len(rep))
    assert last.first == 68 and last.minutes_left == 1
    support = pages(q, "support")
    assert progress(q, support, 1).total == 27 and progress(q, support, 1).minutes_left == 5
    assert minutes_for(q, 0) == 0


# --------------------------------------------------------------------------- sending


def test_an_empty_survey_cannot_be_sent(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}", role="support")  # support has no required question
    page = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert "There is nothing to send yet" in page and 'id="submit"' not in page
    refused = client.post(f"/r/{token}/review", data={"confirm_few": "yes"})
    assert refused.status_code == 400
    assert "nothing to send" in refused.get_data(as_text=True)
    assert rows(Response) == [] and len(rows(Draft)) == 1


def test_fewer_than_half_answered_needs_a_confirmation(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "4", "tm_customers": "3"})
    page = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert "You answered 2 of 7 questions." in page and "You rated 2 of 6 statements" in page
    assert 'id="few-warning"' in page and 'name="confirm_few" value="yes" required' in page
    refused = client.post(f"/r/{token}/review")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Tick the box" in html and 'role="alert"' in html
    assert rows(Response) == []
    sent = client.post(f"/r/{token}/review", data={"confirm_few": "yes"})
    assert sent.headers["Location"].endswith("/thanks")
    assert len(rows(Response)) == 1


def test_half_answered_is_sent_without_a_question(client, make_round, start, rows):
    r = make_round()
    token = start(f"/s/{r.link}")
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "4", "tm_customers": "3"})
    client.post(f"/r/{token}/section/3", data={"so_crm": "2"})
    page = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert "You answered 3 of 7 questions." in page and "few-warning" not in page
    assert client.post(f"/r/{token}/review").headers["Location"].endswith("/thanks")
    assert len(rows(Response)) == 1


def test_completion_counts_dont_know_but_not_free_text():
    from assess.respondent.operations import send_refusal
    from assess.survey.paging import completion, pages
    from questionnaires import load_ref

    q = load_ref("team-ecosystem@2")
    rep = pages(q, "rep")
    scored = [x.key for page in rep for x in page.questions if q.scale_of(x).scored]
    text = [x.key for page in rep for x in page.questions if not q.scale_of(x).scored]
    assert len(scored) == 67
    empty = completion(q, "rep", rep, {})
    assert (empty.answered, empty.asked, empty.anything) == (0, 67, False)
    assert (empty.given, empty.total) == (0, 70)
    assert send_refusal(0, empty, confirmed=True) == "empty"
    only_text = completion(q, "rep", rep, {text[0]: "Less admin."})
    assert only_text.anything and only_text.answered == 0
    assert send_refusal(0, only_text, confirmed=False) == "unconfirmed"
    assert send_refusal(0, only_text, confirmed=True) is None
    dont_know = completion(q, "rep", rep, dict.fromkeys(scored[:34], "dk"))
    assert dont_know.answered == 34 and not dont_know.under_half
    assert send_refusal(0, dont_know, confirmed=False) is None
    assert completion(q, "rep", rep, dict.fromkeys(scored[:33], 3)).under_half
    assert send_refusal(1, dont_know, confirmed=True) == "missing"


# --------------------------------------------------------------------------- role and team


def test_role_and_team_change_on_the_review_page(client, make_round, complete_pages, rows):
    r = make_round()
    token = complete_pages(f"/s/{r.link}", role="rep", team="East")
    page = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert f'action="/r/{token}/about"' in page
    assert '<option selected value="rep">' in page and 'value="East"' in page
    assert "Your own work" in page
    changed = client.post(f"/r/{token}/about", data={"role": "support", "team": "West"})
    assert changed.headers["Location"].endswith(f"/r/{token}/review")
    page = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert "Your role is now:" in page
    assert "Your team is now: West." in page
    assert "No longer asked: Your own work" in page
    assert "Your own work" not in page.split("No longer asked")[1].split("</p>")[1]
    assert client.get(f"/r/{token}").headers["Location"].endswith("/review")
    # Answers to the questions a support person is not asked stay in the draft...
    assert rows(Draft)[0].answers["be_mission"] == 2
    # ...and are not sent
    assert client.post(f"/r/{token}/review").headers["Location"].endswith("/thanks")
    [response] = rows(Response)
    assert response.role == "support" and response.team == "West"
    assert "be_mission" not in response.answers and "ex_process" not in response.answers
    assert response.answers["tm_why_us"] == 5


def test_changing_the_role_back_restores_answers(client, make_round, complete_pages, rows):
    r = make_round()
    token = complete_pages(f"/s/{r.link}")
    client.post(f"/r/{token}/about", data={"role": "support", "team": "East"})
    client.post(f"/r/{token}/about", data={"role": "rep", "team": "East"})
    page = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert "New for you: Your own work." in page
    assert "I believe in what we sell." in page and "Disagree (2)" in page
    assert client.post(f"/r/{token}/review").status_code == 302
    assert rows(Response)[0].answers["be_mission"] == 2


def test_role_form_is_checked_and_offers_the_round_teams(client, make_round, start, rows):
    r = make_round(teams=["North", "South"])
    token = start(f"/s/{r.link}", role="rep", team="North")
    page = client.get(f"/r/{token}/review").get_data(as_text=True)
    assert '<option selected value="North">' in page
    for data in ({"role": "boss"}, {"role": "rep", "team": "Elsewhere"}):
        refused = client.post(f"/r/{token}/about", data=data)
        assert refused.status_code == 400, data
        assert "<details class=\"about\" open>" in refused.get_data(as_text=True)
    assert rows(Draft)[0].role == "rep" and rows(Draft)[0].team == "North"
    same = client.post(f"/r/{token}/about", data={"role": "rep", "team": "North"})
    assert same.status_code == 302
    assert "Nothing changed." in client.get(f"/r/{token}/review").get_data(as_text=True)


# --------------------------------------------------------------------------- invitations


def test_an_invitation_reopens_its_draft_until_sent(app, client, make_round, invite, rows,
                                                    used):
    r = make_round(access_mode="invitation")
    token = invite(r.id)
    assert client.get(f"/i/{token}").status_code == 200  # the intro
    started = client.post(f"/i/{token}", data={"role": "rep", "team": "East"})
    assert started.headers["Location"].endswith(f"/r/{token}/section/1")
    client.post(f"/r/{token}/section/1", data={"tm_customers": "2", "tm_why_us": "3",
                                               "action": "next"})
    assert used(r.id) == [False]  # the tab was closed: nothing is spent yet

    other = app.test_client()  # later, another browser: the invitation link again
    reopened = other.get(f"/i/{token}")
    assert reopened.status_code == 302 and reopened.headers["Location"].endswith(f"/r/{token}")
    assert other.get(f"/r/{token}").headers["Location"].endswith(f"/r/{token}/section/2")
    assert 'value="2" checked' in other.get(f"/r/{token}/section/1").get_data(as_text=True)
    again = other.post(f"/i/{token}", data={"role": "manager"})  # a stale intro tab
    assert again.status_code == 302 and len(rows(Draft)) == 1
    page = other.get(f"/r/{token}/section/2").get_data(as_text=True)
    assert f'href="http://survey.test/i/{token}"' in page  # the way back is the invitation

    for number, data in FULL.items():
        other.post(f"/r/{token}/section/{number}", data=data)
    assert other.post(f"/r/{token}/review").headers["Location"].endswith("/thanks")
    assert other.post(f"/r/{token}/review").headers["Location"].endswith("/thanks")
    assert used(r.id) == [True]
    assert len(rows(Response)) == 1 and rows(Draft) == []
    used = client.get(f"/i/{token}")
    assert used.status_code == 410 and "already been used" in used.get_data(as_text=True)
    assert client.post(f"/i/{token}", data={"role": "rep"}).status_code == 410
    assert client.get(f"/r/{token}/review").status_code == 404


def test_nothing_stored_links_an_invitation_to_its_draft_or_response(app, client, make_round,
                                                                    invite, rows):
    import sqlalchemy as sa

    from assess.extensions import db
    from assess.tokens import derived_token, hash_token

    r = make_round(access_mode="invitation")
    token = invite(r.id)
    client.post(f"/i/{token}", data={"role": "rep"})
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "3"})
    [invitation], [draft] = rows(Invitation), rows(Draft)
    # The draft's key is the hash of an HMAC of the invitation token: the database alone
    # cannot join the two.
    assert draft.token_hash == hash_token(derived_token("test-secret",
                                                        "invitation-draft:" + token))
    assert draft.token_hash != invitation.token_hash
    assert invitation.token_hash not in repr(vars(draft))
    with app.app_context():
        inspector = sa.inspect(db.engine)
        for table in ("draft", "response", "invitation"):
            names = {c["name"] for c in inspector.get_columns(table)}
            assert not any("invitation" in n or "draft" in n or "response" in n
                           for n in names), (table, names)
            targets = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
            assert targets == {"round"}, (table, targets)
        invitation_columns = {c["name"] for c in inspector.get_columns("invitation")}
    # no link to a draft or a response: the email only for invitations sent by mail
    assert invitation_columns == {"id", "public_id", "round_id", "token_hash", "salt",
                                  "email", "used", "revoked", "sent_on", "reminded_on"}


def test_no_respondent_transaction_writes_the_invitation(app, client, make_round, invite,
                                                         rows, used, backend, request):
    """From the invitation link to the thank-you page, no transaction writes the
    invitation's row (so the database's log cannot chain it to a draft or a response):
    the response's transaction consumes the draft and leaves a sent mark, and reads
    nothing of the invitation either."""
    import sqlalchemy as sa

    from assess.extensions import db
    from assess.models import SentMark

    r = make_round(access_mode="invitation")
    token = invite(r.id)
    transactions: list[list[str]] = [[]]

    def statement(_conn, _cursor, sql, *_args):
        transactions[-1].append(" ".join(sql.split()).lower())

    def end(_conn):
        transactions.append([])

    def row_version() -> str:
        # PostgreSQL: the id of the transaction that last wrote the row.
        sql = "SELECT xmin::text FROM invitation" if backend == "postgresql" else \
            "SELECT used, revoked, sent_on, reminded_on FROM invitation"
        with app.app_context():
            return repr(db.session.execute(sa.text(sql)).all())

    before = row_version()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", statement)
    sa.event.listen(engine, "commit", end)
    sa.event.listen(engine, "rollback", end)
    try:
        client.post(f"/i/{token}", data={"role": "rep"})
        for number, data in FULL.items():
            client.post(f"/r/{token}/section/{number}", data=data)
        assert client.post(f"/r/{token}/review").status_code == 302
    finally:
        sa.event.remove(engine, "before_cursor_execute", statement)
        sa.event.remove(engine, "commit", end)
        sa.event.remove(engine, "rollback", end)
    writes = ("insert into invitation", "update invitation", "delete from invitation")
    assert not any(s.startswith(writes) for t in transactions for s in t)
    [stored] = [t for t in transactions if any(s.startswith("insert into response") for s in t)]
    assert not any("invitation" in s for s in stored), stored
    assert any(s.startswith("insert into sent_mark") for s in stored)
    assert any(s.startswith("delete from draft") for s in stored)
    assert row_version() == before  # the invitation's row is the same version as before
    [mark] = rows(SentMark)
    [invitation] = rows(Invitation)
    assert mark.token_hash not in {invitation.token_hash, invitation.salt}
    assert used(r.id) == [True] and len(rows(Response)) == 1


def test_an_invitation_answers_once_even_from_two_drafts(app, client, make_round, invite,
                                                         rows):
    """A draft of an invitation started again after its answers were sent (a stale tab)
    cannot be sent: the invitation's sent mark is unique."""
    from assess.extensions import db
    from assess.respondent import operations as ops

    r = make_round(access_mode="invitation")
    token = invite(r.id)
    client.post(f"/i/{token}", data={"role": "rep"})
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "3"})
    with app.app_context():
        draft = ops.draft_by_token(token)
        args = (draft.id, draft.round_id, draft.role, draft.team, dict(draft.answers))
        db.session.rollback()
        assert ops.submit(*args, invitation_token=token) is not None
        # the same invitation's second draft (made past the link's check by a race)
        ops.start(db.session.get(Round, r.id), "rep", None, token)
        again = ops.draft_by_token(token)
        args = (again.id, again.round_id, again.role, again.team, {"tm_why_us": 4})
        db.session.rollback()
        assert ops.submit(*args, invitation_token=token) is None
    assert len(rows(Response)) == 1 and rows(Draft) == []


def test_an_invitation_used_before_sent_marks_with_its_draft_left_can_still_send_once(
        app, client, make_round, invite, rows):
    """Versions before sent marks set `used` in a transaction before the response's:
    should sending have failed between the two, the invitation link still reopens the
    draft left behind, and it is sent once."""
    import sqlalchemy as sa

    from assess.extensions import db

    r = make_round(access_mode="invitation")
    token = invite(r.id)
    client.post(f"/i/{token}", data={"role": "rep"})
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "3", "tm_customers": "4"})
    client.post(f"/r/{token}/section/3", data={"so_crm": "3"})
    with app.app_context():
        db.session.execute(sa.update(Invitation).values(used=True))
        db.session.commit()
    assert client.get(f"/i/{token}").headers["Location"].endswith(f"/r/{token}")
    assert client.post(f"/r/{token}/review").headers["Location"].endswith("/thanks")
    assert len(rows(Response)) == 1
    assert client.get(f"/i/{token}").status_code == 410


def test_an_expired_invitation_draft_starts_afresh(app, client, make_round, invite, rows):
    from datetime import timedelta

    from assess.extensions import db
    from assess.models import today

    r = make_round(access_mode="invitation")
    token = invite(r.id)
    client.post(f"/i/{token}", data={"role": "rep"})
    client.post(f"/r/{token}/section/1", data={"tm_why_us": "3"})
    with app.app_context():
        db.session.execute(Draft.__table__.update().values(
            expires_on=today() - timedelta(days=1)))
        db.session.commit()
    assert client.get(f"/i/{token}").status_code == 200  # the intro again
    restarted = client.post(f"/i/{token}", data={"role": "rep"})
    assert restarted.headers["Location"].endswith(f"/r/{token}/section/1")
    [draft] = rows(Draft)
    assert draft.answers == {}


def test_starting_one_invitation_twice_makes_one_draft(app, make_round, invite, rows):
    """Two tabs pressing Start on the same invitation at once: the second insert meets
    the first draft's unique key and simply opens it."""
    from assess.extensions import db
    from assess.models import Round
    from assess.respondent import operations as ops

    r = make_round(access_mode="invitation")
    token = invite(r.id)
    with app.test_request_context(method="POST"):
        round_ = db.session.get(Round, r.id)
        assert ops.start(round_, "rep", None, token) == token
        assert ops.start(round_, "manager", None, token) == token
    [draft] = rows(Draft)
    assert draft.role == "rep"


def test_two_tabs_saving_different_pages_keep_both(app, client, make_round, start, rows):
    """A page is saved over the answers stored at that moment, read under the write lock:
    a save that waits for another tab's save keeps that tab's page too."""
    import threading

    from assess.respondent import operations as ops

    r = make_round()
    token = start(f"/s/{r.link}")
    saved_second: list[int] = []

    def second_tab() -> None:  # waits for the lock the first tab holds
        saved_second.append(client.post(f"/r/{token}/section/2",
                                        data={"be_mission": "2", "action": "next"}).status_code)

    other = threading.Thread(target=second_tab)
    with app.test_request_context(method="POST"), ops.saving_page(token) as first_tab:
        other.start()
        other.join(timeout=0.5)
        assert other.is_alive()  # the second tab's save waits for the first tab's
        first_tab.save_page(["tm_customers", "tm_why_us"], {"tm_customers": 4}, 1)
    other.join(timeout=10)
    assert saved_second == [302]
    [draft] = rows(Draft)
    assert draft.answers == {"be_mission": 2, "tm_customers": 4}


def test_a_page_saved_after_its_draft_was_sent_stores_nothing(client, make_round,
                                                              complete_pages, rows):
    r = make_round()
    token = complete_pages(f"/s/{r.link}")
    assert client.post(f"/r/{token}/review").status_code == 302
    again = client.post(f"/r/{token}/section/1", data={"tm_customers": "1"})
    assert again.status_code == 404 and "/thanks" not in again.headers.get("Location", "")
    [stored] = rows(Response)
    assert stored.answers["tm_customers"] == 4 and rows(Draft) == []


def test_question_markup_is_kept_only_when_it_holds_no_typed_words(app, client, make_round,
                                                                    start):
    """Pages are built from kept markup, yet a kept page never carries what someone typed
    (a number, a text, an error about them), and a chosen point shows as chosen."""
    from assess.survey.markup import keepable
    from assess.survey.paging import QuestionView

    r = make_round()
    token = start(f"/s/{r.link}")
    saved = client.post(f"/r/{token}/section/1", data=FULL[1] | {"action": "save"})
    assert saved.status_code == 302
    html = client.get(f"/r/{token}/section/1").get_data(as_text=True)
    assert 'name="tm_customers" value="4" checked' in html
    assert 'name="tm_customers" value="3" checked' not in html
    other = start(f"/s/{r.link}")
    fresh = client.get(f"/r/{other}/section/1").get_data(as_text=True)
    assert "checked" not in fresh  # the first respondent's choice is not in the cache's copy
    kept = app.jinja_env.globals["question_html"].kept  # an lru_cache
    client.post(f"/r/{other}/section/4", data={"open_change": "Secret words", "action": "save"})
    before = kept.cache_info().currsize
    assert "Secret words" in client.get(f"/r/{other}/section/4").get_data(as_text=True)
    assert kept.cache_info().currsize == before  # rendered, not kept
    text = QuestionView("t", "T?", "", "text", False, "typed", "")
    assert not keepable(text) and keepable(QuestionView("t", "T?", "", "text", False, "", ""))
    assert not keepable(QuestionView("n", "N?", "", "number", False, "3", ""))
    assert keepable(QuestionView("l", "L?", "", "likert", False, "3", ""))
    assert not keepable(QuestionView("l", "L?", "", "likert", False, "", "Choose one."))



def test_fieldwork_spans_the_released_answers_only(app, make_round, complete):
    """The report's fieldwork dates: the first and last day of the released answers; an
    answer waiting for the next release does not move them."""
    from datetime import date

    import sqlalchemy as sa

    from assess.console.results import round_results
    from assess.extensions import db

    r = make_round()
    for _ in range(3):
        complete(f"/s/{r.link}")  # k = 3: released
    days = iter([date(2026, 3, 9), date(2026, 3, 2), date(2026, 3, 5)])
    with app.app_context():
        for rid in db.session.scalars(sa.select(Response.id).order_by(Response.id)).all():
            db.session.execute(sa.update(Response).where(Response.id == rid)
                               .values(submitted_on=next(days)))
        db.session.commit()
    complete(f"/s/{r.link}")  # the fourth waits for the next release (submitted today)
    with app.app_context():
        results = round_results(db.session.get(Round, r.id))
        assert results.result.respondents == 3 and results.pending == 1
        assert results.fieldwork == (date(2026, 3, 2), date(2026, 3, 9))
