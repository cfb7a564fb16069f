"""The instructors' view of everyone's usage: the documented JSON shape, the page, and who may see them.

In-process with the real policy, usage log and ONNX embedder; the hub's answer to "who is this" is a table of tokens
(the hub itself is exercised in test_gateway_through_hub.py)."""

from datetime import datetime, timezone

import pytest
from fastapi.responses import RedirectResponse
from fastapi.testclient import TestClient

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, GatewayError, create_app
from shiplab.gateway.instructors import Viewer
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

from test_gateway_app import RecordingProvider, identify

PEOPLE = {"tok-anna": Viewer("anna", frozenset({"participants", "team-claims"})),
          "tok-ben": Viewer("ben", frozenset({"participants"})),
          "tok-ines": Viewer("ines", frozenset({"instructors"})),
          "tok-marta": Viewer("marta", frozenset({"managers"})),
          # hub services calling with their own tokens: the tracker reads the log, no other service does
          "tok-tracker": Viewer("tracker", frozenset(), kind="service"),
          "tok-progress": Viewer("progress", frozenset({"instructors"}), kind="service")}


class TokenViewers:
    """Viewers from a table of tokens; a browser without a token is sent to a stand-in login."""

    async def viewer(self, request):
        token = request.headers.get("authorization", "").partition(" ")[2]
        if not token:
            return None
        if token not in PEOPLE:
            raise GatewayError(401, "bad_token", "unknown token")
        return PEOPLE[token]

    def login(self, request, next_url):
        return RedirectResponse(f"/hub/login?next={next_url}", status_code=302)

    async def callback(self, request):
        return RedirectResponse("/", status_code=302)


def identify_all(request):
    token = request.headers.get("authorization", "").partition(" ")[2]
    return PEOPLE[token].name if token in PEOPLE else identify(request)


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)

    def __call__(self):
        return self.now


@pytest.fixture
def gw(tmp_path):
    from test_gateway_app import LocalEmbedder

    clock = Clock()
    usage = UsageLog(tmp_path / "usage.sqlite", clock=clock)
    providers = {"openai": RecordingProvider("openai")}
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), usage,
                     Backends(embedder=_embedder(LocalEmbedder), external=providers),
                     Budget(tokens_per_day=100_000, requests_per_day=2), identify_all, viewers=TokenViewers())
    return TestClient(app), clock


_EMBEDDER = []


def _embedder(cls):
    if not _EMBEDDER:
        _EMBEDDER.append(cls())
    return _EMBEDDER[0]


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def use_the_gateway(client, clock):
    """Yesterday anna embeds once; today anna embeds twice, is refused once by the policy and once by her budget;
    ben chats with openai once."""
    assert client.post("/v1/embeddings", json={"input": "hail"}, headers=auth("tok-anna")).status_code == 200
    clock.now = datetime(2026, 11, 24, 10, tzinfo=timezone.utc)
    for _ in range(2):
        assert client.post("/v1/embeddings", json={"input": "storm damage"}, headers=auth("tok-anna")).status_code \
            == 200
    r = client.post("/v1/chat/completions", headers=auth("tok-anna"), json={
        "model": "openai/gpt-test", "messages": [{"role": "user", "content": "IBAN DE89 3704 0044 0532 0130 00"}]})
    assert r.status_code == 403
    r = client.post("/v1/chat/completions", headers=auth("tok-anna"), json={
        "model": "openai/gpt-test", "messages": [{"role": "user", "content": "hello"}]})
    assert r.status_code == 429
    r = client.post("/v1/chat/completions", headers=auth("tok-ben"), json={
        "model": "openai/gpt-test", "messages": [{"role": "user", "content": "hello"}]})
    assert r.status_code == 200


def test_instructor_sees_everyone_in_the_documented_shape(gw):
    """Does an instructor get every participant, per provider, today and total, and refusals by rule?"""
    client, clock = gw
    use_the_gateway(client, clock)
    r = client.get("/instructor/usage.json", headers=auth("tok-ines"))
    assert r.status_code == 200, r.text
    report = r.json()
    assert set(report) == {"day", "generated_at", "budget", "participants", "providers", "refusals"}
    assert report["day"] == "2026-11-24"
    assert report["budget"] == {"tokens_per_day": 100_000, "requests_per_day": 2, "embedding_tokens_per_day": 5_000_000}
    anna, ben = report["participants"]
    assert anna["user"] == "anna" and ben["user"] == "ben"
    assert anna["today"] == {"requests": 2, "tokens": 6, "refused": 2}
    assert anna["total"] == {"requests": 3, "tokens": 7, "refused": 2}
    assert [p["provider"] for p in anna["providers"]] == ["local", "openai"]
    assert anna["providers"][1]["today"] == {"requests": 0, "tokens": 0, "refused": 2}
    assert {r["rule"]: (r["today"], r["total"]) for r in anna["refusals"]} == {
        "budget": (1, 1), "providers.openai.max_class=internal": (1, 1)}
    assert ben["total"] == {"requests": 1, "tokens": 12, "refused": 0}
    assert {p["provider"]: p["total"]["requests"] for p in report["providers"]} == {"local": 3, "openai": 1}
    assert [r["rule"] for r in report["refusals"]] == ["budget", "providers.openai.max_class=internal"]


def test_participants_and_managers_get_403_and_no_token_401(gw):
    """Are participants and managers refused (403), and a request without a token told how to identify (401)?"""
    client, clock = gw
    use_the_gateway(client, clock)
    for token in ("tok-anna", "tok-marta"):
        r = client.get("/instructor/usage.json", headers=auth(token))
        assert_error(r, 403, "not_an_instructor", says="only instructors see everyone's usage")
        assert "ben" not in r.text
        page = client.get("/instructor/usage", headers=auth(token))
        assert page.status_code == 403 and "ben" not in page.text
    assert_error(client.get("/instructor/usage.json"), 401, "no_token")
    assert_error(client.get("/instructor/usage.json", headers=auth("tok-nobody")), 401, "bad_token")


def test_page_for_instructors_and_login_for_browsers(gw):
    """Does the page list participants, providers and rules (escaped), and send a browser without a session to
    log in, coming back to the page?"""
    client, clock = gw
    use_the_gateway(client, clock)
    page = client.get("/instructor/usage", headers=auth("tok-ines"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for text in ("anna", "ben", "openai", "providers.openai.max_class=internal", "budget", "2026-11-24"):
        assert text in page.text
    r = client.get("/instructor/usage", follow_redirects=False)
    assert r.status_code == 302 and r.headers["location"].endswith("next=/instructor/usage")


def test_own_usage_stays_own(gw):
    """Does /usage still show participants only their own rows?"""
    client, clock = gw
    use_the_gateway(client, clock)
    rows = client.get("/usage", headers=auth("tok-ben")).json()["rows"]
    assert rows and {r["user"] for r in rows} == {"ben"}


def test_the_tracker_service_reads_the_log_other_services_do_not(gw):
    """May the tracker (a hub service, with its own token) read the usage JSON — and is any other service refused
    even if it claims the instructors' group, and the page (for people) refused to services?"""
    client, clock = gw
    use_the_gateway(client, clock)
    r = client.get("/instructor/usage.json", headers=auth("tok-tracker"))
    assert r.status_code == 200, r.text
    assert {p["user"]: p["total"]["requests"] for p in r.json()["participants"]} == {"anna": 3, "ben": 1}
    r = client.get("/instructor/usage.json", headers=auth("tok-progress"))
    assert_error(r, 403, "not_a_reader", says="may not read the usage log") and "anna" not in r.text
    assert_error(client.get("/instructor/usage", headers=auth("tok-tracker")), 403, "not_a_reader")
