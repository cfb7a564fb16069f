"""The gateway's pages for people, in-process: its root says what it is, the caller's usage and the policy; /usage
is a page for a browser and JSON for a token; the instructors' 403 page links to pages that exist.

Real policy, usage log and app; the hub's answer to "who is this" is the table of tokens of test_instructor_view
(the real hub and a real browser: test_gateway_through_hub.py)."""

import pytest
from fastapi.testclient import TestClient

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

from test_instructor_view import TokenViewers, identify_all
from test_small_model_defaults import RecordingLLM

HTML = {"Accept": "text/html,application/xhtml+xml"}


def auth(user):
    return {"Authorization": f"Bearer tok-{user}"}


@pytest.fixture
def client(tmp_path):
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp_path / "u.sqlite"),
                     Backends(llm=RecordingLLM()), Budget(tokens_per_day=9_000, requests_per_day=40), identify_all,
                     viewers=TokenViewers())
    return TestClient(app)


def test_the_root_is_a_page_saying_what_the_gateway_is_your_usage_and_the_policy(client):
    """Is the gateway's root (where Hub -> Services -> gateway leads) an HTML page naming the model, the caller's
    usage today and budget, and every provider of the policy with its limit — not {"detail":"Not Found"}?"""
    client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hi"}]}, headers=auth("anna"))
    r = client.get("/", headers={**HTML, **auth("anna")})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html"), r.text[:300]
    page = r.text
    assert "Model gateway" in page and "gemma-3-270m" in page and "Signed in as <b>anna</b>: 1 request," in page
    assert "<b>40</b> requests" in page and "<b>9,000</b> chat tokens" in page
    for provider, limit in (("local", "restricted"), ("openai", "internal"), ("azure-openai-eu", "confidential")):
        assert f"<code>{provider}</code></th><td>" in page and limit in page
    assert "Head of Data Protection" in page and "claims-decision" in page
    assert 'href="/usage"' in page and "/instructor/usage" not in page  # anna is no instructor


def test_a_browser_without_a_session_is_sent_to_log_in(client):
    """Are the root and /usage, opened in a browser without a session, sent to the hub's login and back?"""
    for path in ("/", "/usage"):
        r = client.get(path, headers=HTML, follow_redirects=False)
        assert r.status_code == 302 and r.headers["location"] == f"/hub/login?next={path}", (path, r.headers)
    assert_error(client.get("/usage"), 401, "no_token")


def test_usage_is_a_page_for_a_browser_and_json_for_a_token(client):
    """Does /usage show a browser the caller's own requests, tokens and refusals by rule (no one else's), and still
    answer a script's token with the JSON it always did?"""
    client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "hello"}]},
                headers=auth("anna"))
    client.post("/v1/chat/completions", headers=auth("anna"), json={
        "model": "openai/gpt-test", "messages": [{"role": "user", "content": "hi"}]})  # no such provider: 404
    client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "x"}]}, headers=auth("ben"))
    page = client.get("/usage", headers={**HTML, **auth("anna")})
    assert page.status_code == 200 and "Your model gateway usage" in page.text
    assert "Signed in as <b>anna</b>" in page.text and "<th>local</th><td>1</td>" in page.text
    assert "ben" not in page.text
    data = client.get("/usage", headers=auth("anna")).json()
    assert data["user"] == "anna" and [(r["provider"], r["requests"]) for r in data["rows"]] == [("local", 1)]


def test_the_instructors_403_page_links_to_pages_that_exist(client):
    """Does a participant on the instructors' page get a 403 whose links (own usage, the gateway's page) answer
    200 — the old one pointed at /usage under the hub's root, a 404?"""
    r = client.get("/instructor/usage", headers={**HTML, **auth("ben")})
    assert r.status_code == 403
    import re

    links = re.findall(r'href="([^"]+)"', r.text)
    assert "/usage" in links and "/" in links, links
    for link in links:
        assert client.get(link, headers={**HTML, **auth("ben")}).status_code == 200, link


def test_an_unknown_address_says_where_things_are(client):
    """Is an unknown path answered in the gateway's error shape, naming its endpoints and its page?"""
    assert_error(client.get("/v2/whatever", headers=auth("anna")), 404, "not_found", says="/v1/chat/completions")
    assert_error(client.get("/v1/whatever", headers=auth("anna")), 404, "not_found", shape="openai",
                 says="/v1/chat/completions")
