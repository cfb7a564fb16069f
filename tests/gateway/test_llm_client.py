"""The labs' langchain chat model (shiplab.rag.llm) against the real gateway over HTTP: the local llama.cpp model
answers, the governance headers it sends are obeyed, and refusals arrive as LLMError with the rule.

The gateway runs in a uvicorn thread with the real policy, usage log and Gemma model; only the hub's identity check
and the external provider (the outer edges) are stand-ins."""

import socket
import threading
import time
from datetime import datetime, timezone

import httpx
import pytest
import uvicorn

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.backends import LocalLLM
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.rag.llm import GatewayChatModel, LLMError, chat_model
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

from test_gateway_app import RecordingProvider, identify

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    state = tmp_path_factory.mktemp("gw")
    llm = LocalLLM.from_setting("gemma-3-270m", state / "models", threads=2)
    providers = {"openai": RecordingProvider("openai")}
    usage = UsageLog(state / "usage.sqlite", clock=lambda: datetime(2026, 11, 24, 10, tzinfo=timezone.utc))
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), usage,
                     Backends(llm=llm, external=providers), Budget(100_000, 100), identify)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/v1", providers, usage, llm.model_name
    server.should_exit = True
    thread.join(timeout=10)


def llm_name(gateway) -> str:
    return gateway[3]


def test_lab_client_gets_an_answer_from_the_local_model(gateway, monkeypatch):
    """Does chat_model() from the spawn environment get a grounded answer from llama.cpp through the gateway?"""
    url, _, usage, _ = gateway
    monkeypatch.setenv("SHIPLAB_GATEWAY_URL", url)
    monkeypatch.setenv("SHIPLAB_GATEWAY_TOKEN", "tok-anna")
    model = chat_model(max_tokens=24)
    assert "tok-anna" not in repr(model)
    reply = model.invoke([("system", "Context: The excess for glass damage under Motor Basic is EUR 150."),
                          ("human", "What is the excess for glass damage under Motor Basic?")])
    assert "150" in reply.content
    assert reply.response_metadata["token_usage"]["completion_tokens"] > 0
    # which model answered — the labs print it — is the one the gateway ran, not the name asked for ("local")
    assert reply.response_metadata["model_name"] == reply.response_metadata["model"] == llm_name(gateway), \
        reply.response_metadata
    assert reply.usage_metadata["output_tokens"] == reply.response_metadata["token_usage"]["completion_tokens"]
    assert [(r["user"], r["provider"]) for r in usage.summary()] == [("anna", "local")]


def test_declared_data_class_reaches_the_policy(gateway):
    """Is a request the lab marks confidential refused for 'openai' (X-Shiplab-Data-Class), as LLMError naming the
    rule, with nothing sent to the provider?"""
    url, providers, _, _ = gateway
    model = GatewayChatModel(base_url=url, token="tok-anna", model="openai/gpt-test", data_class="confidential",
                             use_case="ticket-triage")
    with pytest.raises(LLMError) as err:
        model.invoke("Summarise the Q3 loss ratio")
    assert "HTTP 403" in str(err.value) and "providers.openai.max_class=internal" in str(err.value)
    assert providers["openai"].seen == []
    ok = GatewayChatModel(base_url=url, token="tok-anna", model="openai/gpt-test", data_class="public")
    assert ok.invoke("hello").content == "ok"


def test_stop_sequences_are_honoured(gateway):
    """Does a stop sequence the client sends end the local model's answer before it?"""
    url, _, _, _ = gateway
    body = {"messages": [{"role": "system", "content": "Context: The excess for glass damage under Motor Basic is "
                                                       "EUR 150."},
                         {"role": "user", "content": "What is the excess for glass damage under Motor Basic?"}],
            "max_tokens": 24}
    full = httpx.post(f"{url}/chat/completions", json=body, headers={"Authorization": "Bearer tok-anna"},
                      timeout=120).json()["choices"][0]["message"]["content"]
    words = full.split()
    assert len(words) >= 3, full
    cut = words[len(words) // 2]
    r = httpx.post(f"{url}/chat/completions", json={**body, "stop": [cut]}, timeout=120,
                   headers={"Authorization": "Bearer tok-anna"})
    assert r.status_code == 200
    short = r.json()["choices"][0]["message"]["content"]
    assert cut not in short and full.startswith(short) and len(short) < len(full)
    bad = httpx.post(f"{url}/chat/completions", json={**body, "stop": [1]}, timeout=30,
                     headers={"Authorization": "Bearer tok-anna"})
    assert_error(bad, 400, "invalid_input", shape="openai", param="stop", says="'stop' must be a string")


def test_unreachable_gateway_is_a_clear_error():
    """Does the client say it cannot reach the gateway (no traceback, no token) when nothing listens?"""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    model = GatewayChatModel(base_url=f"http://127.0.0.1:{port}/v1", token="tok-secret-123", timeout=2)
    with pytest.raises(LLMError) as err:
        model.invoke("hello")
    assert "Cannot reach the model gateway" in str(err.value) and "tok-secret-123" not in str(err.value)


def test_no_live_model_while_nbgrader_validates_or_grades(gateway, monkeypatch):
    """Does chat_model_or_none() give the live model in a participant's notebook, and None while nbgrader runs it
    (Validate, autograde), so exploration cells skip instead of making Validate wait on generation?"""
    from shiplab.rag.llm import chat_model_or_none

    url, _, _, _ = gateway
    monkeypatch.setenv("SHIPLAB_GATEWAY_URL", url)
    monkeypatch.setenv("SHIPLAB_GATEWAY_TOKEN", "tok-anna")
    assert chat_model_or_none() is not None
    for mode in ("validate", "autograde"):
        monkeypatch.setenv("NBGRADER_EXECUTION", mode)
        assert chat_model_or_none() is None
