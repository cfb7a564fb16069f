"""Chat defaults that suit the 270M model: lab 1's "Summarize this ticket" call gets a summary, not the ticket echoed
back until max_tokens; a request that names no max_tokens gets a few sentences' worth; and the real llama.cpp
generation stops within a token when the gateway says its client went away."""

import threading

import pytest
from fastapi.testclient import TestClient

from shiplab.data import load_sample_backlog
from shiplab.gateway import policy
from shiplab.gateway.app import DEFAULT_MAX_TOKENS, Backends, create_app
from shiplab.gateway.backends import LocalLLM, chat_prompt
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

from test_gateway_app import identify


def lab1_prompt(item) -> str:
    """What lab 1's explore cell sends (labs/lab1-backlog, the LLM cell)."""
    return f"Summarize this ticket in one sentence:\n{item.summary}\n{item.description[:800]}"


class RecordingLLM:
    model_name = "gemma-3-270m"

    def __init__(self):
        self.asked = []

    def complete(self, messages, max_tokens=128, temperature=0.0, stop=None, cancel=None):
        self.asked.append(max_tokens)
        return {"text": "ok", "finish_reason": "stop", "prompt_tokens": 4, "completion_tokens": 1}


def test_a_request_without_max_tokens_gets_the_small_model_default(tmp_path):
    """Does a chat request that names no max_tokens get DEFAULT_MAX_TOKENS (not 256), one that asks for more than
    the cap get the cap, and a negative one a 400?"""
    llm = RecordingLLM()
    client = TestClient(create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"),
                                   UsageLog(tmp_path / "u.sqlite"), Backends(llm=llm), Budget(100_000, 100),
                                   identify))
    auth = {"Authorization": "Bearer tok-anna"}
    hello = {"messages": [{"role": "user", "content": "hello"}]}
    assert client.post("/v1/chat/completions", json=hello, headers=auth).status_code == 200
    assert client.post("/v1/chat/completions", json={**hello, "max_tokens": 50_000}, headers=auth).status_code == 200
    r = client.post("/v1/chat/completions", json={**hello, "max_tokens": -3}, headers=auth)
    assert_error(r, 400, "invalid_input", shape="openai", param="max_tokens",
                 says="max_tokens: Input should be greater than or equal to 0")
    assert llm.asked == [DEFAULT_MAX_TOKENS, 1024] and DEFAULT_MAX_TOKENS <= 128


def test_an_instruction_and_its_text_become_context_and_question():
    """Is lab 1's 'instruction:\\n<ticket>' sent as the ticket in Context and the instruction as the Question —
    while a plain question, or one beside retrieved context, is left as it was?"""
    built = chat_prompt([{"role": "user", "content": "Summarize this ticket in one sentence:\nClaim status "
                                                     "tracker\nShow customers where their claim is."}])
    assert built == ("Context:\nClaim status tracker\nShow customers where their claim is.\n\n"
                     "Question: Summarize this ticket in one sentence.\nAnswer:")
    assert chat_prompt([{"role": "user", "content": "What is an excess?"}]) == "Question: What is an excess?\nAnswer:"
    beside = chat_prompt([{"role": "system", "content": "Context: a page"},
                          {"role": "user", "content": "Explain:\nfoo"}])
    assert beside.count("Context:") == 1 and beside.endswith("Question: Explain:\nfoo\nAnswer:")


@pytest.fixture(scope="module")
def gemma(tmp_path_factory):
    return LocalLLM.from_setting("gemma-3-270m", tmp_path_factory.mktemp("models"))


@pytest.mark.slow
@pytest.mark.parametrize("index", [9, 11])
def test_lab1_summary_is_not_the_ticket_echoed(gemma, index):
    """For the two sample tickets Gemma used to answer by repeating the ticket (once cleaned; raw, until
    max_tokens), does lab 1's call at the gateway's default length now end by itself with an answer that is neither
    the ticket's description nor the question?"""
    item = load_sample_backlog("jira")[index]
    out = gemma.complete([{"role": "user", "content": lab1_prompt(item)}], max_tokens=DEFAULT_MAX_TOKENS)
    assert out["finish_reason"] == "stop" and out["completion_tokens"] < DEFAULT_MAX_TOKENS, out
    assert out["text"].strip(), out
    assert item.description.strip() not in out["text"] and "Question:" not in out["text"], out


class AfterTokens:
    """A cancel event that reads as set from its ``n``-th look on: the client went away mid-answer."""

    def __init__(self, n):
        self.n, self.looks = n, 0

    def is_set(self):
        self.looks += 1
        return self.looks > self.n


@pytest.mark.slow
def test_generation_stops_when_the_client_goes_away(gemma):
    """Does the real model stop within a token of being cancelled (finish_reason 'cancelled', a handful of tokens),
    where the same request uncancelled runs on, and does an already-set event start no generation at all?"""
    messages = [{"role": "user", "content": "Write a long, detailed story about a storm that damaged a house, "
                                            "the claim, the adjuster's visit and the repair."}]
    whole = gemma.complete(messages, max_tokens=64)
    assert whole["completion_tokens"] > 8, whole
    cut = gemma.complete(messages, max_tokens=64, cancel=AfterTokens(4))
    assert cut["finish_reason"] == "cancelled" and cut["completion_tokens"] <= 5, cut
    gone = threading.Event()
    gone.set()
    assert gemma.complete(messages, max_tokens=64, cancel=gone)["completion_tokens"] == 0
