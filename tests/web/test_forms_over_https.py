"""Forms work over HTTPS, where browsers send them without a Referer.

Every page says `Referrer-Policy: no-referrer` (paths hold link tokens), so a browser
posts a form with no Referer header. Behind an HTTPS proxy (ASSESS_PROXY_FIX=1) the app
sees secure requests, and Flask-WTF's HTTPS check would then refuse every form for want
of a Referer; the CSRF token alone guards them (WTF_CSRF_SSL_STRICT off).
"""

from __future__ import annotations

import re

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_the_survey_starts_over_https_without_a_referer(app_factory, make_round):
    link = make_round().link
    app = app_factory(WTF_CSRF_ENABLED=True, PROXY_FIX=1)
    client = app.test_client()
    https = {"X-Forwarded-Proto": "https"}
    page = client.get(f"/s/{link}", headers=https)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    form = {"csrf_token": CSRF.search(page.text).group(1), "role": "rep"}
    reply = client.post(f"/s/{link}", data=form, headers=https)
    assert reply.status_code == 302 and "/section/1" in reply.location
    forged = client.post(f"/s/{link}", data=form | {"csrf_token": "forged"}, headers=https)
    assert forged.status_code == 400
