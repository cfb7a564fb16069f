"""The gateway in-process: real ONNX embeddings, the real policy and usage log; only the identity check (the hub) and
the external provider are stand-ins, at the edges."""

import logging
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, GatewayError, create_app
from shiplab.gateway.backends import ExternalProvider, LocalEmbedder
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

SECRET_KEY = "sk-test-never-leaks-0123456789"


class RecordingProvider(ExternalProvider):
    """An external OpenAI-compatible provider, the outer edge: records what it was sent."""

    def __init__(self, name):
        super().__init__(name, "https://provider.invalid/v1", SECRET_KEY, "gpt-test")
        self.seen = []

    def complete(self, messages, max_tokens=256, temperature=0.0, stop=None):
        self.seen.append(messages)
        return {"text": "ok", "finish_reason": "stop", "prompt_tokens": 10, "completion_tokens": 2}


def identify(request):
    token = request.headers.get("authorization", "").partition(" ")[2]
    if not token:
        raise GatewayError(401, "no_token", "send your hub token")
    return {"tok-anna": "anna", "tok-ben": "ben"}.get(token) or (_ for _ in ()).throw(
        GatewayError(401, "bad_token", "unknown token"))


@pytest.fixture(scope="module")
def embedder():
    return LocalEmbedder()


@pytest.fixture
def gw(tmp_path, embedder):
    providers = {"openai": RecordingProvider("openai"), "azure-openai-eu": RecordingProvider("azure-openai-eu")}
    usage = UsageLog(tmp_path / "usage.sqlite", clock=lambda: datetime(2026, 11, 24, 10, tzinfo=timezone.utc))
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), usage,
                     Backends(embedder=embedder, external=providers), Budget(tokens_per_day=2000, requests_per_day=5),
                     identify)
    return TestClient(app), providers, usage


def auth(user="anna"):
    return {"Authorization": f"Bearer tok-{user}"}


def test_embeddings_openai_shape(gw):
    """Does /v1/embeddings answer in OpenAI's shape with real 384-d normalised vectors?"""
    client, _, _ = gw
    r = client.post("/v1/embeddings", json={"input": ["hail damage on a car", "storm damage to a roof"]},
                    headers=auth())
    assert r.status_code == 200, r.text
    body = r.json()
    assert [d["index"] for d in body["data"]] == [0, 1]
    v = body["data"][0]["embedding"]
    assert len(v) == 384 and abs(sum(x * x for x in v) - 1) < 1e-3


def test_no_token_401_and_error_shape(gw):
    """Is a request without a token refused with 401 in the one documented error shape?"""
    client, _, _ = gw
    assert_error(client.post("/v1/embeddings", json={"input": "x"}), 401, "no_token", shape="openai")


def test_personal_data_refused_for_a_provider_that_may_not_have_it(gw):
    """Is detected personal data refused for 'openai', naming the rule, with nothing sent?"""
    client, providers, usage = gw
    r = client.post("/v1/chat/completions", headers=auth(), json={
        "model": "openai/gpt-test", "messages": [{"role": "user", "content": "Summarise: Anna Weber, IBAN "
                                                  "DE89 3704 0044 0532 0130 00, wants a refund"}]})
    assert_error(r, 403, "policy_refused", shape="openai", says="providers.openai.max_class=internal")
    assert providers["openai"].seen == []
    assert usage.summary()[0]["refused"] == 1


def test_declared_class_is_respected(gw):
    """Is a request the caller marks confidential refused for 'openai' even without detectable personal data?"""
    client, providers, _ = gw
    r = client.post("/v1/chat/completions", headers={**auth(), "X-Shiplab-Data-Class": "confidential"},
                    json={"model": "openai/gpt-test", "messages": [{"role": "user", "content": "Q3 loss ratio"}]})
    assert r.status_code == 403 and providers["openai"].seen == []


def test_redacted_before_sending_where_policy_says_so(gw):
    """Is personal data redacted before it reaches a provider whose rule says redact?"""
    client, providers, _ = gw
    r = client.post("/v1/chat/completions", headers={**auth(), "X-Shiplab-Use-Case": "customer-communication"},
                    json={"model": "azure-openai-eu/gpt-test",
                          "messages": [{"role": "user", "content": "Write to anna.weber@example.com about her claim"}]})
    assert r.status_code == 200, r.text
    sent = providers["azure-openai-eu"].seen[0][0]["content"]
    assert "anna.weber@example.com" not in sent and "[EMAIL]" in sent
    assert r.headers["x-shiplab-decision"] == "redact"
    assert r.headers["x-shiplab-human-review"] == "required"


def test_budget_exhaustion_leaves_others_untouched(gw):
    """Does a participant over budget get 429 while another participant still works?"""
    client, _, _ = gw
    for _ in range(5):
        assert client.post("/v1/embeddings", json={"input": "x"}, headers=auth()).status_code == 200
    r = client.post("/v1/embeddings", json={"input": "x"}, headers=auth())
    assert_error(r, 429, "budget_exhausted", shape="openai", says="daily budget of 5 requests")
    assert client.post("/v1/embeddings", json={"input": "x"}, headers=auth("ben")).status_code == 200


def test_embeddings_and_chat_have_budgets_of_their_own(tmp_path, embedder):
    """Does indexing (embedding tokens) leave the day's chat budget untouched, and does each budget, once used up,
    refuse only its own kind with a 429 that names it?"""
    usage = UsageLog(tmp_path / "usage.sqlite")
    client = TestClient(create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), usage,
                                   Backends(embedder=embedder, llm=FakeLocalLLM()),
                                   Budget(tokens_per_day=60, requests_per_day=100, embedding_tokens_per_day=400),
                                   identify))
    chunk = "storm damage to the roof of a warehouse in Hamburg, reported by the tenant " * 3
    for _ in range(5):  # ~60 embedding tokens each: more than the whole chat budget together
        assert client.post("/v1/embeddings", json={"input": [chunk]}, headers=auth()).status_code == 200
    chat = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 8}
    assert client.post("/v1/chat/completions", json=chat, headers=auth()).status_code == 200
    for _ in range(3):
        r = client.post("/v1/embeddings", json={"input": [chunk]}, headers=auth())
        if r.status_code == 429:
            break
    assert_error(r, 429, "budget_exhausted", shape="openai", says="400 embedding tokens")
    r = client.post("/v1/chat/completions", json={**chat, "max_tokens": 60}, headers=auth())
    assert_error(r, 429, "budget_exhausted", shape="openai", says="60 chat tokens")


@pytest.mark.parametrize("body, param, says", [
    ({"input": 5}, "input", "'input' must be a string or a non-empty list of strings"),
    ({"input": []}, "input", "'input' must be a string or a non-empty list of strings"),
    ({"input": [1, 2]}, "input", "'input' must be a string or a non-empty list of strings"),
    ({"input": ["x"] * 2049}, "input", "at most 2,048 texts per request"),
    ({}, "input", "input: Field required"),
    ("not an object", None, "request: Input should be a valid dictionary")])
def test_bad_input_is_400(gw, body, param, says):
    """Is malformed input answered with 400 in OpenAI's shape, naming the field and what was wrong, not a crash?"""
    client, _, _ = gw
    r = client.post("/v1/embeddings", json=body, headers=auth())
    assert_error(r, 400, "invalid_input", shape="openai", param=param, says=says)


def test_provider_key_never_in_responses_or_logs(gw, caplog):
    """Does the external provider's key stay out of every response and log line?"""
    client, _, _ = gw
    caplog.set_level(logging.DEBUG)
    texts = [client.get("/v1/models", headers=auth()).text,
             client.post("/v1/chat/completions", headers=auth(), json={
                 "model": "openai/gpt-test", "messages": [{"role": "user", "content": "hello"}]}).text]
    assert all(SECRET_KEY not in t for t in texts)
    assert SECRET_KEY not in caplog.text
    assert SECRET_KEY not in repr(RecordingProvider("x"))


def test_gateway_listens_where_its_url_says():
    """Does the gateway bind its URL's address, and all interfaces when the URL names a host (the hub's Kubernetes
    service), never a name it cannot bind?"""
    from shiplab.web.listen import bind_host

    assert bind_host("127.0.0.1") == "127.0.0.1" and bind_host("localhost") == "127.0.0.1"
    assert bind_host("10.1.2.3") == "10.1.2.3" and bind_host(None) == "127.0.0.1"
    assert bind_host("hub") == "0.0.0.0"


class FakeLocalLLM:
    """The local chat model, the outer edge here (llama.cpp itself runs in test_gateway_through_hub.py)."""

    model_name = "gemma-3-270m"

    def complete(self, messages, max_tokens=256, temperature=0.0, stop=None):
        return {"text": "hello", "finish_reason": "stop", "prompt_tokens": 5, "completion_tokens": 1}


def test_a_model_the_gateway_does_not_serve_is_named_not_swapped(tmp_path, embedder):
    """Is 'openai/gpt-4o' on a gateway without that provider a 404 naming what it does serve (it used to be answered
    by the local model under the name asked for) — while an OpenAI client's bare default name gets the local model,
    reported and logged under the local model's real name?"""
    usage = UsageLog(tmp_path / "usage.sqlite")
    providers = {"azure-openai-eu": RecordingProvider("azure-openai-eu")}
    client = TestClient(create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), usage,
                                   Backends(embedder=embedder, llm=FakeLocalLLM(), external=providers),
                                   Budget(tokens_per_day=2000, requests_per_day=5), identify))
    r = client.post("/v1/chat/completions", headers=auth(), json={
        "model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hello"}]})
    error = assert_error(r, 404, "model_not_found", shape="openai", param="model", says="local (gemma-3-270m)")
    assert "azure-openai-eu/gpt-test" in error["message"]
    assert usage.summary() == [] and providers["azure-openai-eu"].seen == []
    r = client.post("/v1/chat/completions", headers=auth(), json={
        "model": "gpt-3.5-turbo", "messages": [{"role": "user", "content": "hello"}]})
    assert r.status_code == 200 and r.json()["model"] == "gemma-3-270m"
    assert [(row["provider"], row["requests"]) for row in usage.summary()] == [("local", 1)]


def test_the_approved_provider_can_answer_what_names_no_model(tmp_path, embedder):
    """With gateway.default_provider set to the company's approved provider, is a request naming no provider (the
    labs' chat_model(), an OpenAI client's default) answered by it — reported and logged under its real name, so the
    labs can say which model answered — while the governance policy still holds for it (personal data redacted
    before it leaves, as azure-openai-eu's rule says), and "local" stays reachable by no name at all?"""
    usage = UsageLog(tmp_path / "usage.sqlite")
    approved = RecordingProvider("azure-openai-eu")
    client = TestClient(create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), usage,
                                   Backends(embedder=embedder, llm=FakeLocalLLM(), external={"azure-openai-eu": approved},
                                            default="azure-openai-eu"),
                                   Budget(tokens_per_day=2000, requests_per_day=5), identify))
    for name in (None, "gpt-3.5-turbo", "local"):
        body = {"messages": [{"role": "user", "content": "Summarise: Anna Berger, anna.berger@gmail.com, wrote in."}]}
        r = client.post("/v1/chat/completions", headers=auth(), json=body | ({"model": name} if name else {}))
        assert r.status_code == 200 and r.json()["model"] == "azure-openai-eu/gpt-test", (name, r.text)
    assert len(approved.seen) == 3 and all("anna.berger@gmail.com" not in m[0]["content"] for m in approved.seen)
    assert [(row["provider"], row["requests"]) for row in usage.summary()] == [("azure-openai-eu", 3)]


def test_a_default_provider_must_be_one_that_is_configured():
    """Is gateway.default_provider naming a provider the settings do not configure refused when the settings load,
    naming what is configured?"""
    from shiplab.settings import SettingsError, validate

    with pytest.raises(SettingsError, match="not one of `gateway.external_providers` \\(none configured\\)"):
        validate({"gateway": {"default_provider": "azure-openai-eu"}})
    ok = validate({"gateway": {"default_provider": "azure-openai-eu", "external_providers": [
        {"name": "azure-openai-eu", "base_url": "https://eu.example/v1", "model": "gpt-4o-mini", "key_env": "AZ_KEY"}]}})
    assert ok["gateway.default_provider"] == "azure-openai-eu"
