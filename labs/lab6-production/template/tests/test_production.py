"""Does the production wiring hold — a token on /ask, the caller's clearance in the retrieval filter, a bounded
model call, and a flag that rolls back to the previous version without a deploy?"""

import json
import time

import pytest
from fastapi.testclient import TestClient

from assistant.main import build_app
from assistant.production import Flags, ModelTimeout, load_tokens, with_timeout
from assistant.service import Metrics, create_app
from tests.fakes import fake_answer, test_logger

ANNA = "anna-0123456789abcdef"
BEN = "ben-0123456789abcdef0"
TOKENS = {ANNA: {"user": "anna", "clearance": "internal"}, BEN: {"user": "ben", "clearance": "public"}}


@pytest.fixture
def flags(tmp_path):
    path = tmp_path / "flags.json"
    path.write_text(json.dumps({"assistant": True}))
    return Flags(path)


def service(flags, chain=None, seen=None):
    seen = [] if seen is None else seen

    def retriever_for(clearance):
        seen.append(clearance)
        return f"retriever<{clearance}>"

    app = build_app(create_app, Metrics(), test_logger()[0], tokens=TOKENS, flags=flags, retriever_for=retriever_for,
                    chain_answer=chain or (lambda q, r: fake_answer(q)),
                    fallback_answer=lambda q, r: {"answer": "See the handbook [search]", "citations": ["search"],
                                                  "refused": False})
    return TestClient(app)


def ask(client, token=None, question="How many hotel nights?"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post("/ask", json={"question": question}, headers=headers)


def test_ask_needs_a_token(flags):
    """Without a token, or with a wrong one, is /ask a 401 with a request id that never reaches the chain?"""
    called = []
    client = service(flags, chain=lambda q, r: called.append(q) or fake_answer(q))
    for token in (None, "not-a-token-at-all", ANNA + "x"):
        r = ask(client, token)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
        assert r.headers["X-Request-ID"] == r.json()["error"]["request_id"]
    assert called == []
    assert client.get("/health").status_code == 200  # probes need no token
    assert ask(client, ANNA).status_code == 200


def test_the_callers_clearance_reaches_the_retriever(flags):
    """Is each caller's own clearance the one the retriever is built with?"""
    seen = []
    client = service(flags, seen=seen)
    ask(client, ANNA)
    ask(client, BEN)
    assert seen == ["internal", "public"]


def test_a_slow_model_is_a_503_within_the_timeout(flags):
    """Does a model slower than the timeout give the contract's 503, in about the timeout?"""
    slow = with_timeout(lambda q: time.sleep(2) or fake_answer(q), 0.2)
    client = service(flags, chain=lambda q, r: slow(q))
    started = time.perf_counter()
    r = ask(client, ANNA)
    assert r.status_code == 503 and time.perf_counter() - started < 1.5
    with pytest.raises(ModelTimeout):
        slow("again")


def test_the_flag_rolls_back_without_a_restart(flags):
    """Flag off: does the next request get the previous version (and flag on the chain again), same process?"""
    client = service(flags)
    assert ask(client, ANNA).headers["X-Assistant-Version"] == "chain"
    flags.set("assistant", False)
    r = ask(client, ANNA)
    assert r.headers["X-Assistant-Version"] == "fallback" and r.json()["citations"] == ["search"]
    flags.set("assistant", True)
    assert ask(client, ANNA).headers["X-Assistant-Version"] == "chain"


def test_tokens_that_cannot_work_are_refused_at_start():
    """Are no tokens, short tokens and unknown clearances refused with a sentence?"""
    for raw in ("", "{}", json.dumps({"short": {"user": "a", "clearance": "internal"}}),
                json.dumps({ANNA: {"user": "anna", "clearance": "secret"}})):
        with pytest.raises(ValueError):
            load_tokens(raw)
