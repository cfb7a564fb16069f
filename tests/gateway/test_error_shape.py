"""The gateway's errors on the shared contract: OpenAI's shape under /v1/ and the shared shape elsewhere, from the
one handler of shiplab.web; a body that does not fit is a 400 naming the field, never a 500; a bug is a
500 with a reference that is in the log and nothing else; a login's 502 keeps its cause for the log.

Real app, policy and usage log; the chat model and the hub's token check are the edges."""

import logging

import pytest
from fastapi.testclient import TestClient
from jupyterhub.services.auth import HubOAuth
from tornado.web import HTTPError

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.hubauth import HubViewers
from shiplab.gateway.policy import Provider
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

from errorshape import assert_error, assert_error_page
from test_gateway_app import identify
from test_small_model_defaults import RecordingLLM

HELLO = [{"role": "user", "content": "hello"}]
AUTH = {"Authorization": "Bearer tok-anna"}


class BrokenLLM(RecordingLLM):
    def complete(self, *args, **kwargs):
        raise RuntimeError("llama.cpp exploded at /opt/secret/path")


def client_for(tmp_path, llm=None, **kw):
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp_path / "u.sqlite"),
                     Backends(llm=llm or RecordingLLM()), Budget(100_000, 100), identify, **kw)
    return TestClient(app)


@pytest.mark.parametrize("body, param, says", [
    ({"messages": HELLO, "max_tokens": "lots"}, "max_tokens", "max_tokens: must be a number, not text"),
    ({"messages": HELLO, "max_tokens": True}, "max_tokens", "max_tokens: must be a number, not true/false"),
    ({"messages": HELLO, "max_tokens": 2.5}, "max_tokens", "max_tokens: Input should be a valid integer"),
    ({"messages": HELLO, "temperature": "hot"}, "temperature", "temperature: must be a number, not text"),
    ({"messages": HELLO, "temperature": 9}, "temperature", "temperature: Input should be less than or equal to 2"),
    ({"messages": HELLO, "stop": ["a", "b", "c", "d", "e"]}, "stop", "at most 4 non-empty strings"),
    ({"messages": []}, "messages", "messages: List should have at least 1 item"),
    ({"messages": [{"role": "user", "content": 5}]}, "messages.0.content", "Input should be a valid string"),
    ({"max_tokens": 5}, "messages", "messages: Field required")])
def test_a_chat_body_that_does_not_fit_is_400_naming_the_field(tmp_path, body, param, says):
    """Is each malformed chat body — "max_tokens": "lots" among them, once a 500 — a 400 invalid_request_error in
    OpenAI's shape, naming the field and what was wrong, with nothing sent to the model?"""
    llm = RecordingLLM()
    r = client_for(tmp_path, llm).post("/v1/chat/completions", json=body, headers=AUTH)
    assert_error(r, 400, "invalid_input", shape="openai", param=param, says=says)
    assert llm.asked == []


def test_a_body_that_is_not_json_is_400(tmp_path):
    """Is a body that is not JSON at all a 400 in OpenAI's shape, not a 500?"""
    r = client_for(tmp_path).post("/v1/chat/completions", content=b"{not json", headers={
        **AUTH, "Content-Type": "application/json"})
    assert_error(r, 400, "invalid_input", shape="openai", says="body: not valid JSON")


def test_a_wrong_method_under_v1_is_405_in_openais_shape(tmp_path):
    """Is GET on /v1/chat/completions a 405 in OpenAI's shape (not FastAPI's {"detail": …})?"""
    assert_error(client_for(tmp_path).get("/v1/chat/completions", headers=AUTH), 405, "method_not_allowed",
                 shape="openai", says="GET is not allowed here")


def test_a_bug_is_a_500_with_a_reference_that_is_in_the_log_only(tmp_path, caplog):
    """Is a failing model a 500 server_error in OpenAI's shape whose reference is in the log beside the
    traceback — and does neither the exception's text nor a traceback reach the response?"""
    caplog.set_level(logging.ERROR, logger="shiplab.gateway")
    r = client_for(tmp_path, BrokenLLM()).post("/v1/chat/completions", json={"messages": HELLO}, headers=AUTH)
    error = assert_error(r, 500, "internal_error", shape="openai", says="reference ")
    ref = error["message"].split("reference ")[1].split(")")[0]
    assert "exploded" not in r.text and "/opt/secret" not in r.text
    assert ref in caplog.text and "llama.cpp exploded" in caplog.text


def test_a_browser_gets_the_error_as_a_page(tmp_path):
    """Does a browser (Accept: text/html) get a page with the status, the code and the sentence for a page's
    error, while a script asking the same gets JSON?"""
    client = client_for(tmp_path)
    assert_error_page(client.get("/nowhere", headers={"Accept": "text/html"}), 404, "not_found",
                      says="/v1/chat/completions")
    assert_error(client.get("/nowhere"), 404, "not_found")


def test_pages_escape_what_the_policy_says(tmp_path):
    """Is markup in the policy file (a provider's description, the approver) shown as text on the gateway's page,
    never run?"""
    client = client_for(tmp_path)
    pol = client.app.state.gateway.policy
    pol.providers["local"] = Provider("local", "local", "restricted", description="<script>alert(1)</script>")
    page = client.get("/", headers={"Accept": "text/html", **AUTH})
    assert page.status_code == 200, page.text[:300]
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_the_cause_of_a_login_502_reaches_the_log(tmp_path, caplog):
    """When the hub does not answer who a token is, is the caller told 502 hub_unavailable with no detail, and the
    hub's own words (the cause) written to the gateway's log?"""
    hub_auth = HubOAuth(api_token="service-token", api_url="http://127.0.0.1:9/hub/api",
                        oauth_client_id="service-gateway", access_scopes={"access:services!service=gateway"})

    async def user_for_token(token, use_cache=True, sync=True):
        raise HTTPError(500, "hub database is locked (sqlite3.OperationalError)")

    hub_auth.user_for_token = user_for_token
    caplog.set_level(logging.WARNING, logger="shiplab.gateway")
    client = client_for(tmp_path, viewers=HubViewers(hub_auth, b"k" * 32))
    r = client.get("/instructor/usage.json", headers={"Authorization": "token tok-ines"})
    assert_error(r, 502, "hub_unavailable", says="the hub did not answer who you are")
    assert "database is locked" not in r.text
    assert "hub database is locked" in caplog.text
