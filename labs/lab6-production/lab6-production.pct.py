"""Lab 6 — To production: the notebook's source. ``shiplab course render lab6-production`` writes lab6-production.ipynb
from it; the cell headers (``# %% solution <grade_id>``, …) are explained in shiplab.course.authoring. It holds the
solutions and hidden tests: never released.

The graded parts are the service (FastAPI, tested in-process with ``TestClient``), its metrics, the participant's own
contract tests (graded by whether they catch deliberately broken services) and the release decision from the
governance checklist. Filing the ship plan in the tracker is an exploration step: it uses the tracker's API when the
hub provides it and otherwise says how to file by hand.
"""

# %% [markdown] intro
# # Lab 6 — To production (90 minutes)
#
# A notebook that answers questions is a demo. A service that answers them — behind a stable contract, with tests that
# fail when someone breaks it, logs you may keep, metrics that tell you when to roll back, a token on every question,
# and a switch back to the previous version — is something you can ship. You build that contract here, then put
# **your own** lab-5 chain over **your own** index into a repository of your own, roll it back for real, and file
# **your** ship plan.
#
# | part | what you build | expected time |
# |---|---|---|
# | 0 | set-up; FastAPI in five minutes | 3 + 4 min |
# | 1 | `Metrics`: request counts, error and refusal rates, p50/p95 latency (3 points) | 8 min |
# | 2 | `create_app`: the FastAPI service — contract, errors, logs, metrics (2 + 2 + 2 points) | 20 min |
# | 3 | `check_service`: contract tests that catch broken services (3 points) | 15 min |
# | 4 | `release_decision`: ship, hold or roll back, cost included (3 points) | 10 min |
# | 5 | **your case:** your repository (your chain, your index, token, clearance, timeout, flag), its CI, one real rollback | 15 min |
# | 6 | **your case:** your ship plan, filed in the tracker | 15 min |
#
# **How to work:** run the cells from the top; replace each `raise NotImplementedError()` and run the test cell under
# it. Parts 1–4 run in-process (no server, no network). Parts 5 and 6 are about your own case: not graded, checked for
# completion — the repository's tests must pass, the rollback must have happened, the plan must be yours.

# %% code setup
# Part 0 - set-up: the app to ship is lab 5's pipeline as one function, question -> {answer, citations, refused}.
import json
import logging
import math
import os
import re
import tempfile
import time
import uuid
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from langchain_core.documents import Document

from shiplab.data import find_user_backlog, load_sample_documents
from shiplab.rag import BM25Retriever, chunk_documents
from shiplab_checks import NotDoneYet, check_call, check_equal, check_returns, check_that

REFUSAL = "Not in the documents."
MAX_QUESTION_CHARS = 500

_chunks = chunk_documents(load_sample_documents(), "heading")
_bm25 = BM25Retriever(_chunks, k=3)


def sample_answer(question):
    """The app to ship (lab 5 in miniature, offline): the best-matching sentence of the best chunk, cited."""
    hits = _bm25.invoke(question)
    if not hits or hits[0].metadata["score"] < 4.0:
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": hits}
    best = hits[0]
    words = set(re.findall(r"\w+", question.lower()))
    pieces = re.split(r"(?<=[.!?])\s+|\n+", best.page_content)
    sentences = [s for s in pieces if len(s.split()) >= 5 and not s.startswith("#")] or [best.page_content]
    sentence = max(sentences, key=lambda s: len(words & set(re.findall(r"\w+", s.lower()))))
    return {"answer": f"{sentence.strip()} [{best.metadata['doc_id']}]", "citations": [best.metadata["doc_id"]],
            "refused": False, "chunks": hits}


print(sample_answer("How much do I pay myself on each claim with Household Basic cover?")["answer"])

# %% [markdown] ex1_text
# ## 1. Metrics you can roll back on (8 minutes)
#
# After launch you decide from numbers, so count them from the first request. Write a class `Metrics` with
#
# - `observe(latency_s, refused=False, error=False)`: record one `/ask` request (its latency in **seconds**; whether
#   the answer was a refusal; whether the service failed);
# - `snapshot()` returning a dict:
#   - `"requests"`: requests observed; `"errors"`: those with `error=True`;
#   - `"error_rate"`: errors / requests;
#   - `"refusal_rate"`: refusals / requests **that did not fail** (a failed request gave no answer to refuse);
#   - `"p50_ms"`, `"p95_ms"`: latency percentiles of all requests in **milliseconds** (not rounded: 0.1234 s is
#     123.4 ms), by the *nearest-rank* method: the p-th percentile of n sorted values is the value at position
#     `ceil(p / 100 * n)` (counting from 1; `ceil`, not `round`);
#   - rates are not rounded either (1 error in 3 requests: `1 / 3`);
#   - a value that cannot be computed (no requests; no request that did not fail) is `None`.

# %% solution metrics
class Metrics:
    """Counts and latency percentiles of the /ask requests since start."""

    ### BEGIN SOLUTION
    def __init__(self):
        self.latencies_ms = []
        self.errors = 0
        self.refusals = 0

    def observe(self, latency_s, refused=False, error=False):
        self.latencies_ms.append(latency_s * 1000.0)
        if error:
            self.errors += 1
        elif refused:
            self.refusals += 1

    def _percentile(self, p):
        ordered = sorted(self.latencies_ms)
        return ordered[math.ceil(p / 100 * len(ordered)) - 1] if ordered else None

    def snapshot(self):
        n = len(self.latencies_ms)
        answered = n - self.errors
        return {"requests": n, "errors": self.errors, "error_rate": self.errors / n if n else None,
                "refusal_rate": self.refusals / answered if answered else None,
                "p50_ms": self._percentile(50), "p95_ms": self._percentile(95)}
    ### END SOLUTION

# %% tests test_metrics points=3
# Visible tests: run me.
check_that("Metrics" in globals(), "Metrics is not defined: its cell still raises NotImplementedError. Replace "
           "`raise NotImplementedError()` with the methods __init__, observe and snapshot, and run the cell again.")
m = Metrics()
check_equal(m.snapshot(), {"requests": 0, "errors": 0, "error_rate": None, "refusal_rate": None, "p50_ms": None,
                           "p95_ms": None}, label="snapshot() before any request",
            hint="nothing observed: counts 0, everything else None.")
for latency, refused, error in [(0.1, False, False), (0.3, True, False), (0.2, False, False), (2.0, False, True)]:
    m.observe(latency, refused=refused, error=error)
snap = m.snapshot()
check_equal((snap["requests"], snap["errors"], snap["error_rate"]), (4, 1, 0.25), label="(requests, errors, error_rate)")
check_equal(snap["refusal_rate"], 1 / 3, label='snap["refusal_rate"]',
            hint="1 refusal among the 3 requests that did not fail.")
check_equal(round(snap["p50_ms"], 6), 200.0, label='snap["p50_ms"]',
            hint="sorted 100, 200, 300, 2000 ms; nearest rank ceil(0.5 * 4) = 2 -> 200 ms.")
check_equal(round(snap["p95_ms"], 6), 2000.0, label='snap["p95_ms"]', hint="ceil(0.95 * 4) = 4 -> 2000 ms.")
print("Metrics: visible tests passed.")
### BEGIN HIDDEN TESTS
m = Metrics()
for i in range(1, 21):                       # 10 ms .. 200 ms, observed in a shuffled order
    m.observe(((i * 7) % 20 + 1) / 100)
snap = m.snapshot()
check_equal((round(snap["p50_ms"], 6), round(snap["p95_ms"], 6)), (100.0, 190.0),
            "nearest rank on sorted values: p50 of 20 values is the 10th, p95 the 19th.", secret=True)
check_equal((snap["error_rate"], snap["refusal_rate"]), (0.0, 0.0),
            "no errors, no refusals: 0.0 (not None).", secret=True)
m = Metrics()
m.observe(0.05, error=True)
m.observe(0.07, refused=True, error=True)
snap = m.snapshot()
check_equal((snap["requests"], snap["errors"], snap["error_rate"], snap["refusal_rate"]), (2, 2, 1.0, None),
            "every request failed: the refusal rate cannot be computed (None), and a failed request is not a "
            "refusal.", secret=True)
check_equal(round(snap["p95_ms"], 6), 70.0, "failed requests still count in latency.", secret=True)
m = Metrics()
m.observe(0.02, refused=True, error=True)
m.observe(0.03)  # answered, not refused
check_equal(m.snapshot()["refusal_rate"], 0.0, "a failed request is never counted as a refusal.", secret=True)
m = Metrics()
for _ in range(3):  # three refusals
    m.observe(0.01, refused=True)
check_equal(m.snapshot()["refusal_rate"], 1.0, "3 refusals of 3 answered requests.", secret=True)
check_equal(Metrics().snapshot()["requests"], 0,
            "each Metrics() starts from zero (no shared class state).", secret=True)
import math as _math
from shiplab_checks import case_rng, check_against


def _ref_snapshot(observations):
    _lat = sorted(latency * 1000.0 for latency, _, _ in observations)
    _n, _errors = len(_lat), sum(error for _, _, error in observations)
    _refusals = sum(refused and not error for _, refused, error in observations)
    _rank = lambda p: _lat[_math.ceil(p / 100 * _n) - 1] if _n else None
    return {"requests": _n, "errors": _errors, "error_rate": _errors / _n if _n else None,
            "refusal_rate": _refusals / (_n - _errors) if _n - _errors else None, "p50_ms": _rank(50),
            "p95_ms": _rank(95)}


def _snapshot_after(observations):
    _m = Metrics()
    for latency, refused, error in observations:
        _m.observe(latency, refused=refused, error=error)
    return _m.snapshot()


def _observations(seed, n=120):
    rng = case_rng(seed)
    for _ in range(n):
        yield ([(rng.choice([0.0123, 0.1, 0.1234, 0.2, 0.35, 1.5, 2.0004]), rng.random() < 0.3, rng.random() < 0.25)
                for _ in range(rng.randint(0, 12))],)


check_against(_snapshot_after, _ref_snapshot, list(_observations(127)), tol=1e-9,
              hint="latencies in milliseconds, not rounded; nearest rank with ceil(p / 100 * n); rates not rounded; "
                   "refusals among requests that did not fail; None when a value cannot be computed.")
### END HIDDEN TESTS

# %% [markdown] fastapi_text
# ## FastAPI in five minutes (before part 2)
#
# [FastAPI](https://fastapi.tiangolo.com/) turns Python functions into HTTP routes: `app = FastAPI()`, then
# `@app.get("/path")` or `@app.post("/path")` on a function. What the function returns is sent as JSON (status 200);
# return a `JSONResponse(body, status_code=..., headers=...)` to choose the status and headers yourself.
# `TestClient(app)` calls the app in-process — `client.post("/ask", json={...})` — without a server or a port; that is
# how everything in parts 1–4 is tested.
#
# One thing to know before part 2: FastAPI's usual way to read a body is a pydantic model as a parameter
# (`def ask(body: Question)`). When the body does not fit it — `{}`, `42`, `["list"]`, not JSON at all — FastAPI
# answers by itself with **its own** 422, `{"detail": [...]}`, before your function runs: no `"error"` object and no
# request id. Your contract has its own 422 shape, so in part 2 read the body yourself (`await request.json()` in an
# `async def` route taking `request: Request`, as below) and decide what is wrong — or install an exception handler
# for `RequestValidationError` that renders your shape. The cell below shows the difference.

# %% code fastapi_intro
# Run me: a two-route app, and why part 2 reads the body itself.
from pydantic import BaseModel


class Question(BaseModel):
    question: str


demo = FastAPI()


@demo.post("/pydantic")
def with_a_model(body: Question):
    return {"you_asked": body.question}


@demo.post("/raw")
async def reading_it_yourself(request: Request):
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("question"), str):
        return JSONResponse({"error": {"code": "bad_question", "message": "send a JSON object with a question"}},
                            status_code=422, headers={"X-Request-ID": "example"})
    return {"you_asked": body["question"]}


demo_client = TestClient(demo)
for body in ({"question": "Hotel nights?"}, {}, 42, ["list"]):
    print(f"{str(body):26}", "/pydantic ->", demo_client.post("/pydantic", json=body).json(), "\n" + " " * 26,
          "/raw      ->", demo_client.post("/raw", json=body).json())

# %% [markdown] ex2_text
# ## 2. The service (20 minutes)
#
# Write `create_app(answer_fn, metrics, logger)` returning a FastAPI app with this contract:
#
# **`GET /health`** → `200 {"status": "ok"}`.
#
# **`POST /ask`** with the JSON body `{"question": "..."}`:
#
# - the question must be a string that is not blank and at most `MAX_QUESTION_CHARS` (500) characters after
#   stripping whitespace (`str.strip()`: spaces, tabs, line breaks). Otherwise (missing, not a string, blank, too long, or a body that is not a JSON object —
#   `{}`, `42`, `["list"]`, `{"q": ...}`, or not JSON at all) → the service's **own**
#   `422 {"error": {"code": "bad_question", "message": "...", "request_id": "..."}}` (not FastAPI's `{"detail": …}`:
#   see the cell above), where the message says what is wrong and mentions
#   `question`; `answer_fn` is **not** called;
# - otherwise call `answer_fn(question)` (the stripped question). It returns a dict with at least `answer`,
#   `citations`, `refused` (lab 5's `answer` also returns the chunks, which are not JSON, and may return more: send
#   none of it) → `200 {"answer", "citations", "refused", "request_id"}`, exactly these four keys;
# - if `answer_fn` raises **any** exception (any `Exception`: a `KeyError` as much as a `RuntimeError`) →
#   `503 {"error": {"code": "answer_unavailable", "message": "..."}}`: a message for the user, **never** the
#   exception's text (it may hold data, paths or keys) nor a traceback;
# - every `/ask` response (200, 422, 503) carries a fresh `request_id` (`uuid.uuid4().hex`), also in the response
#   header `X-Request-ID`; in the 422 and 503 bodies put it in `"error"` as `"request_id"`.
#
# **Logging** — for every `/ask` request, exactly **one** record on `logger`, whose message is a JSON object (use
# `json.dumps`) with the keys `"request_id"`, `"status"` (the HTTP status), `"latency_ms"`, `"refused"` (`null` unless
# status 200: also on a 422 and a 503) and `"question_chars"` (the length of the stripped question, also on a 422 and
# a 503: `"  abc  "` is 3; 0 when there is no question string); a 503 adds `"error"`:
# the exception's **class name**. Level: `INFO` for 200, `WARNING` for 422, `ERROR` for 503. **Never log the question
# text or any request header** (questions carry personal data; headers carry tokens).
#
# **Metrics** — every 200 and 503 is observed: `metrics.observe(latency_s, refused=..., error=...)`, the latency in
# **seconds** (part 1's `Metrics` turns it into milliseconds; the log line's `latency_ms` is the same time × 1000; 422
# is the client's mistake, not the service's). **`GET /metrics`** → `200` with `metrics.snapshot()`.
#
# Three test cells: the contract, errors and validation, logs and metrics (2 points each).

# %% solution create_app
def create_app(answer_fn, metrics, logger):
    """The assistant as a FastAPI service: /health, /ask, /metrics (see the task for the contract)."""
    ### BEGIN SOLUTION
    app = FastAPI(title="Nordlicht handbook assistant")

    def finish(request_id, status, body, started, question_chars, refused=None, error=None):
        latency_s = time.perf_counter() - started
        record = {"request_id": request_id, "status": status, "latency_ms": round(latency_s * 1000, 1),
                  "refused": refused, "question_chars": question_chars}
        if error is not None:
            record["error"] = error
        level = logging.INFO if status == 200 else logging.WARNING if status == 422 else logging.ERROR
        logger.log(level, json.dumps(record))
        if status != 422:
            metrics.observe(latency_s, refused=bool(refused), error=status != 200)
        return JSONResponse(body, status_code=status, headers={"X-Request-ID": request_id})

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/metrics")
    def get_metrics():
        return metrics.snapshot()

    @app.post("/ask")
    async def ask(request: Request):
        started = time.perf_counter()
        request_id = uuid.uuid4().hex
        try:
            body = await request.json()
        except ValueError:
            body = None
        question = body.get("question") if isinstance(body, dict) else None
        problem = None
        if not isinstance(question, str):
            problem = 'send a JSON object with a "question" string'
        elif not question.strip():
            problem = "the question is blank: type a question"
        elif len(question.strip()) > MAX_QUESTION_CHARS:
            problem = f"the question is longer than {MAX_QUESTION_CHARS} characters: shorten it"
        if problem:
            chars = len(question.strip()) if isinstance(question, str) else 0
            return finish(request_id, 422, {"error": {"code": "bad_question", "message": problem,
                                                      "request_id": request_id}}, started, chars)
        question = question.strip()
        try:
            result = answer_fn(question)
        except Exception as exc:
            return finish(request_id, 503, {"error": {
                "code": "answer_unavailable", "request_id": request_id,
                "message": "The assistant cannot answer right now. Try again in a minute; if it persists, "
                           "quote this request id to the service desk."}},
                started, len(question), error=type(exc).__name__)
        refused = bool(result["refused"])
        return finish(request_id, 200, {"answer": result["answer"], "citations": list(result["citations"]),
                                        "refused": refused, "request_id": request_id},
                      started, len(question), refused=refused)

    return app
    ### END SOLUTION

# %% code service_helpers
# Test helpers for parts 2 and 3 (run me): fake apps to serve, and a logger whose records we can read.
class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_logger():
    logger = logging.getLogger(f"lab6.{uuid.uuid4().hex}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = Records()
    logger.addHandler(handler)
    return logger, handler.records


def fake_answer(question):
    return {"answer": "Up to 4 hotel nights [policy-travel-comfort].", "citations": ["policy-travel-comfort"],
            "refused": False, "chunks": [Document(page_content="...", metadata={"doc_id": "policy-travel-comfort"})]}


def fake_refusal(question):
    return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": []}


class Spy:
    # An answer function that remembers what it was asked.
    def __init__(self, inner=fake_answer):
        self.inner, self.calls = inner, []

    def __call__(self, question):
        self.calls.append(question)
        return self.inner(question)


def failing(question):
    raise RuntimeError("vector store /srv/chroma/anna locked by pid 4242; token=sk-live-0a1b2c3d")


class RecordingMetrics:
    # A stand-in for your Metrics in the tests of part 2 (so part 2 scores on its own): records observe() calls.
    def __init__(self):
        self.calls = []

    def observe(self, latency_s, refused=False, error=False):
        self.calls.append((latency_s, refused, error))

    def snapshot(self):
        return {"requests": len(self.calls), "errors": sum(bool(e) for _, _, e in self.calls)}


def client_for(answer_fn, metrics=None, logger=None):
    return TestClient(check_call(create_app, answer_fn, metrics or RecordingMetrics(), logger or test_logger()[0]))

# %% tests test_create_app_contract points=2
# Visible tests (the contract): run me.
client = client_for(fake_answer)
r = client.get("/health")
check_equal((r.status_code, r.json()), (200, {"status": "ok"}), label="GET /health")
r = client.post("/ask", json={"question": "How many hotel nights after a delayed flight?"})
check_equal(r.status_code, 200, label="POST /ask status", hint="a good question gets 200.")
body = r.json()
check_equal(sorted(body), ["answer", "citations", "refused", "request_id"], label="keys of the /ask body",
            hint="answer, citations, refused and request_id - not the chunks.")
check_equal((body["answer"], body["citations"], body["refused"]),
            ("Up to 4 hotel nights [policy-travel-comfort].", ["policy-travel-comfort"], False),
            label="(answer, citations, refused)")
check_equal(r.headers.get("X-Request-ID"), body["request_id"], label="the X-Request-ID header",
            hint="the same request id in the body and the X-Request-ID header.")
print("create_app (contract): visible tests passed.")
### BEGIN HIDDEN TESTS
spy = Spy(fake_refusal)
client = client_for(spy)
first = client.post("/ask", json={"question": "  What is the excess for cyber cover?  "})
second = client.post("/ask", json={"question": "What is the excess for cyber cover?"})
check_equal((first.status_code, first.json()["refused"], first.json()["answer"]), (200, True, REFUSAL),
            "a refusal is a normal 200 answer with refused=true.", secret=True)
check_equal(spy.calls, ["What is the excess for cyber cover?"] * 2,
            "answer_fn gets the stripped question.", secret=True)
ids = {first.json()["request_id"], second.json()["request_id"]}
check_equal(len(ids) == 2 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids), True,
            "a fresh uuid4().hex request id for every request.", secret=True)
check_equal(client_for(fake_answer).get("/health").json(), {"status": "ok"},
            "health needs no answer_fn call.", secret=True)


def _chatty(question):
    return {**fake_answer(question), "prompt": "You are a helpful assistant. " + question, "model": "gemma",
            "scores": [0.9, 0.4]}


_body = client_for(_chatty).post("/ask", json={"question": "How many hotel nights?"}).json()
check_equal(sorted(_body), ["answer", "citations", "refused", "request_id"],
            "exactly answer, citations, refused and request_id, whatever else answer_fn returns (a prompt or "
            "scores must not reach the client).", secret=True)
_blank = Spy(fake_answer)
_r = client_for(_blank).post("/ask", json={"question": "\t\n  \n"})
check_equal((_r.status_code, _blank.calls), (422, []), "a question of only tabs and line breaks is blank too "
            "(str.strip()).", secret=True)
### END HIDDEN TESTS

# %% tests test_create_app_errors points=2
# Visible tests (errors and validation): run me.
spy = Spy()
client = client_for(spy)
r = client.post("/ask", json={"question": "   "})
check_equal(r.status_code, 422, label="status for a blank question")
check_equal(r.json().get("error", {}).get("code"), "bad_question", label='body["error"]["code"]',
            hint='the body is {"error": {"code": "bad_question", "message": ...}}.')
check_equal(spy.calls, [], label="answer_fn calls", hint="a bad question never reaches answer_fn.")
r = client_for(failing).post("/ask", json={"question": "What is my excess?"})
check_equal(r.status_code, 503, label="status when answer_fn fails", hint="catch the exception: 503, not 500.")
check_equal(r.json().get("error", {}).get("code"), "answer_unavailable", label='body["error"]["code"]')
check_equal("sk-live" in r.text or "/srv/chroma" in r.text or "Traceback" in r.text, False,
            label="exception details in the response", hint="never send the exception's text or a traceback.")
for malformed in ({}, 42, ["list"]):
    r = client.post("/ask", json=malformed)
    error = r.json().get("error") if isinstance(r.json(), dict) else None
    check_equal((r.status_code, isinstance(error, dict) and error.get("code"),
                 isinstance(error, dict) and bool(error.get("request_id"))), (422, "bad_question", True),
                label=f"(status, error code, request id in the error) for the body {malformed!r}",
                hint='a body that is not an object with a "question" string gets the same 422 as a blank question: '
                     '{"error": {"code": "bad_question", "message", "request_id"}}, not the {"detail": ...} of '
                     'FastAPI validation (read the body yourself: see FastAPI in five minutes).')
print("create_app (errors): visible tests passed.")
### BEGIN HIDDEN TESTS
for bad in ({"question": "x" * (MAX_QUESTION_CHARS + 1)}, {"question": 42}, {}, {"q": "typo in the key"}, ["list"]):
    r = client.post("/ask", json=bad)
    check_equal((r.status_code, r.json().get("error", {}).get("code")), (422, "bad_question"),
                "too long, not a string, missing, or not an object: 422 bad_question.", secret=True)
    check_equal("question" in r.json()["error"].get("message", ""), True,
                "the message names the question field, so a caller knows what to fix.", secret=True)
    check_equal(r.json()["error"].get("request_id") == r.headers.get("X-Request-ID") and
                bool(r.headers.get("X-Request-ID")), True, "a 422 carries its request id too.", secret=True)
r = client.post("/ask", content=b"not json", headers={"Content-Type": "application/json"})
check_equal(r.status_code, 422, "a body that is not JSON is a bad question, not a crash.", secret=True)
ok = client.post("/ask", json={"question": " " + "y" * MAX_QUESTION_CHARS + " "})
check_equal(ok.status_code, 200, "exactly 500 characters after stripping is allowed.", secret=True)
check_equal(spy.calls, ["y" * MAX_QUESTION_CHARS], "only the good question reached answer_fn.", secret=True)

def failing_value(question):
    raise ValueError("IBAN DE89370400440532013000 rejected")

r = client_for(failing_value).post("/ask", json={"question": "Refund?"})
check_equal((r.status_code, "DE89" in r.text, bool(r.json()["error"].get("request_id"))), (503, False, True),
            "any exception: 503 with a request id, without its text.", secret=True)


class _QuotaExceeded(Exception):
    pass


def _raiser(exc):
    def _raising(question):
        raise exc
    return _raising


for _exc in (KeyError("chunks"), TypeError("'NoneType' object is not subscriptable"), OSError("disk full"),
             _QuotaExceeded("quota exceeded for key sk-live-77")):
    _logger, _records = test_logger()
    try:
        r = client_for(_raiser(_exc), RecordingMetrics(), _logger).post("/ask", json={"question": "Refund?"})
        _got = (r.status_code, r.json().get("error", {}).get("code") if isinstance(r.json(), dict) else None)
    except Exception as _crash:                   # the exception escaped the app: the server would answer 500
        _got = (500, type(_crash).__name__)
    check_equal(_got, (503, "answer_unavailable"),
                f"answer_fn raising {type(_exc).__name__}: any exception is a 503 answer_unavailable, not a 500 "
                "(catch Exception, not a list of types).", secret=True)
    _lines = [json.loads(rec.getMessage()) for rec in _records]
    check_equal([line.get("error") for line in _lines], [type(_exc).__name__],
                "the 503 log line names the exception's class.", secret=True)
### END HIDDEN TESTS

# %% tests test_create_app_logs_metrics points=2
# Visible tests (logs and metrics): run me.
logger, records = test_logger()
metrics = RecordingMetrics()
client = client_for(fake_answer, metrics, logger)
secret_question = "My IBAN is DE89370400440532013000, why was my refund late?"
r = client.post("/ask", json={"question": secret_question}, headers={"Authorization": "Bearer sk-live-9f8e7d6c"})
check_equal(len(records), 1, label="log records for one request", hint="exactly one record per /ask request.")
line = json.loads(records[0].getMessage())
check_equal((line.get("request_id"), line.get("status"), line.get("refused"), line.get("question_chars")),
            (r.json()["request_id"], 200, False, len(secret_question)),
            label="(request_id, status, refused, question_chars) in the log", hint="see the list of keys in the task.")
everything_logged = " ".join(rec.getMessage() for rec in records)
check_equal("DE89" in everything_logged or "refund" in everything_logged, False, label="question text in the logs",
            hint="log the question's length, never its text: it carries personal data.")
check_equal("sk-live" in everything_logged, False, label="the token in the logs", hint="never log request headers.")
check_equal([(refused, error) for _, refused, error in metrics.calls], [(False, False)], label="metrics.observe calls",
            hint="observe every 200 and 503: metrics.observe(latency_s, refused=..., error=...).")
check_equal(client.get("/metrics").json(), metrics.snapshot(), label="GET /metrics",
            hint="GET /metrics returns metrics.snapshot().")
print("create_app (logs and metrics): visible tests passed.")
### BEGIN HIDDEN TESTS
logger, records = test_logger()
metrics = RecordingMetrics()
client = client_for(failing, metrics, logger)
client.post("/ask", json={"question": "Why?"}, headers={"Authorization": "Bearer sk-live-9f8e7d6c",
                                                         "Cookie": "session=abc123secret"})
client.post("/ask", json={"question": ""})
check_equal([rec.levelno for rec in records], [logging.ERROR, logging.WARNING],
            "one record per request: ERROR for the 503, WARNING for the 422.", secret=True)
failed, refused_input = (json.loads(rec.getMessage()) for rec in records)
check_equal((failed.get("status"), failed.get("error"), failed.get("refused")), (503, "RuntimeError", None),
            "a 503 logs the exception's class name (not its text), refused null.", secret=True)
check_equal((refused_input.get("status"), refused_input.get("question_chars")), (422, 0),
            "a 422 is logged too, with question_chars.", secret=True)
logged = " ".join(rec.getMessage() for rec in records) + " ".join(str(rec.args) for rec in records)
check_equal(any(s in logged for s in ("sk-live", "abc123secret", "/srv/chroma", "token=")), False,
            "no header, cookie or exception text in the logs.", secret=True)
check_equal(isinstance(failed.get("latency_ms"), (int, float)) and failed["latency_ms"] >= 0, True,
            "latency_ms is a number of milliseconds.", secret=True)
snap = client.get("/metrics").json()
check_equal((snap["requests"], snap["errors"]), (1, 1),
            "the 503 is observed as an error; the 422 is not observed.", secret=True)
metrics = RecordingMetrics()
client = client_for(fake_refusal, metrics, test_logger()[0])
client.post("/ask", json={"question": "a"})
client.post("/ask", json={"question": "b"})
check_equal([(bool(r), bool(e)) for _, r, e in metrics.calls], [(True, False)] * 2,
            "refusals are observed with refused=True, error=False.", secret=True)
check_equal(all(isinstance(t, (int, float)) and 0 <= t < 5 for t, _, _ in metrics.calls), True,
            "observe the latency in seconds.", secret=True)


def _slow(question):
    time.sleep(0.05)
    return fake_answer(question)


def _slow_failing(question):
    time.sleep(0.05)
    raise RuntimeError("timeout")


for _fn in (_slow, _slow_failing):
    metrics = RecordingMetrics()
    logger, records = test_logger()
    client_for(_fn, metrics, logger).post("/ask", json={"question": "Hotel nights?"})
    _t = metrics.calls[0][0] if metrics.calls else None
    _ms = json.loads(records[0].getMessage()).get("latency_ms") if records else None
    check_equal(isinstance(_t, (int, float)) and 0.04 <= _t < 3, True,
                "a request that takes about 50 ms is observed as about 0.05: metrics.observe takes the latency in "
                "seconds (Metrics turns it into milliseconds).", secret=True)
    check_equal(isinstance(_ms, (int, float)) and 40 <= _ms < 3000 and abs(_ms - _t * 1000) < 20, True,
                "the log's latency_ms is the same latency in milliseconds (seconds x 1000).", secret=True)
logger, records = test_logger()
client = client_for(fake_answer, RecordingMetrics(), logger)
client.post("/ask", json={"question": "  abc  "})
client.post("/ask", json={"question": "\t" + "x" * (MAX_QUESTION_CHARS + 1) + "\n "})
client.post("/ask", json={"question": "   "})
client_for(failing, RecordingMetrics(), logger).post("/ask", json={"question": " Refund? \n"})
_lines = [json.loads(rec.getMessage()) for rec in records]
check_equal([(line.get("status"), line.get("question_chars")) for line in _lines],
            [(200, 3), (422, MAX_QUESTION_CHARS + 1), (422, 0), (503, 7)],
            "question_chars is the length of the STRIPPED question, whatever the status ('  abc  ' is 3).",
            secret=True)
check_equal([("refused" in line, line.get("refused")) for line in _lines],
            [(True, False), (True, None), (True, None), (True, None)],
            'the "refused" key is in every line: false/true on a 200, null on a 422 and a 503 (there was no answer '
            "to refuse).", secret=True)
### END HIDDEN TESTS

# %% free try_service
# Explore: your service around the real app. (To run it for real: uvicorn, e.g. in a terminal with a module
# holding create_app - the same app object TestClient drives here.)
live_logger = logging.getLogger("assistant")          # in production: JSON lines to stdout, shipped by the platform
live_logger.setLevel(logging.INFO)
live_logger.propagate = False
if not live_logger.handlers:
    live_logger.addHandler(logging.StreamHandler())
live_metrics = Metrics()
live = TestClient(create_app(sample_answer, live_metrics, live_logger))
for q in ["How much do I pay myself on each claim with Household Basic cover?",
          "Which law firm represents Nordlicht in liability disputes?", ""]:
    r = live.post("/ask", json={"question": q})
    print(r.status_code, r.json())
print(live.get("/metrics").json())

# %% [markdown] ex3_text
# ## 3. Contract tests that catch broken services (15 minutes)
#
# Tests are worth what they catch. Write `check_service(make_client)` — your contract test suite as one function —
# that raises `AssertionError` (use `assert`) when a service breaks the contract of part 2, and returns quietly when
# it keeps it. `make_client(answer_fn)` gives you a `TestClient` of the service under test, built around the answer
# function you pass, so you can make it answer, refuse or fail (use `fake_answer`, `fake_refusal`, `failing`, `Spy`
# from the helpers above, or your own).
#
# Your function is graded by running it against your **correct** `create_app` and other correct services (it must
# pass on each) and against **deliberately broken** services, each keeping the contract except for one bug, all in an
# order drawn anew for each submission; each service words its error messages its own way and may send other headers.
# It must fail on every one of these nine — the complete list the tests use:
#
# 1. `/health` does not answer `{"status": "ok"}`;
# 2. a failing `answer_fn` gives `500` instead of `503`;
# 3. the `503` body carries the exception's text;
# 4. the same request id on every request;
# 5. a blank question (`"   "`) is not a `422` and reaches `answer_fn`;
# 6. the `200` body lacks `citations`;
# 7. the request id is missing from the `X-Request-ID` header;
# 8. a refusal comes back with `refused: false`;
# 9. `answer_fn` gets the question without `strip()`.
#
# Test the whole contract, not one example: a check that only one implementation's wording passes (a message's
# exact text) fails on your own service or on a correct one.

# %% solution check_service
def check_service(make_client):
    """Contract tests for the assistant service; AssertionError when the service breaks the contract."""
    ### BEGIN SOLUTION
    client = make_client(fake_answer)
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}, "GET /health must answer 200 {status: ok}"

    first = client.post("/ask", json={"question": " How many hotel nights? "})
    second = client.post("/ask", json={"question": "How many hotel nights?"})
    assert first.status_code == 200, f"a good question got {first.status_code}"
    body = first.json()
    assert set(body) == {"answer", "citations", "refused", "request_id"}, f"wrong keys: {sorted(body)}"
    assert body["answer"] == fake_answer("")["answer"] and body["citations"] == ["policy-travel-comfort"]
    assert body["refused"] is False
    assert first.headers.get("X-Request-ID") == body["request_id"], "X-Request-ID must match the body"
    assert body["request_id"] != second.json()["request_id"], "request ids must be fresh"

    refusing = make_client(fake_refusal).post("/ask", json={"question": "Cyber excess?"})
    assert refusing.status_code == 200 and refusing.json()["refused"] is True, "a refusal is a 200 with refused"

    spy = Spy()
    spied = make_client(spy)
    for bad in ({"question": "   "}, {"question": "x" * (MAX_QUESTION_CHARS + 1)}, {}, {"question": 7}):
        r = spied.post("/ask", json=bad)
        assert r.status_code == 422, f"{bad} got {r.status_code}, expected 422"
        assert r.json()["error"]["code"] == "bad_question"
        assert "question" in r.json()["error"]["message"]
        assert r.headers.get("X-Request-ID"), "a 422 needs a request id"
    assert spy.calls == [], "a bad question must not reach answer_fn"
    assert spied.post("/ask", json={"question": " ok "}).status_code == 200 and spy.calls == ["ok"], \
        "answer_fn gets the stripped question"

    r = make_client(failing).post("/ask", json={"question": "Why?"})
    assert r.status_code == 503, f"a failing answer_fn gave {r.status_code}, expected 503"
    assert r.json()["error"]["code"] == "answer_unavailable"
    for leak in ("sk-live", "/srv/chroma", "RuntimeError", "Traceback"):
        assert leak not in r.text, f"the 503 body leaks {leak!r}"
    assert r.headers.get("X-Request-ID"), "a 503 needs a request id"

    metered = make_client(fake_answer)
    metered.post("/ask", json={"question": "a"})
    metered.post("/ask", json={"question": " "})
    snap = metered.get("/metrics").json()
    assert snap["requests"] == 1 and snap["errors"] == 0, f"metrics after one 200 and one 422: {snap}"
    ### END SOLUTION

# %% tests test_check_service points=3
# Visible tests: run me. Your suite must pass on your service and fail on two broken ones.
def make_client(answer_fn):
    return client_for(answer_fn)

try:
    check_service(make_client)      # your service, which passed the tests of part 2: must not raise
except NotImplementedError:
    raise NotDoneYet("check_service still raises NotImplementedError: replace `raise NotImplementedError()` with "
                     "your contract tests and run its cell again.") from None
except AssertionError as exc:
    raise AssertionError(f"your suite fails on your own service ({str(exc) or 'an assert without a message'}). Either "
                         "your service breaks the contract (do the tests of part 2 pass?) or a check is stricter "
                         "than the contract: test what the task promises, not one implementation's wording.") from None

from shiplab_checks import judge_side  # when graded, each test service stays with the tests: you get a stand-in

WORDINGS = [("bad question", "unavailable, try again", {}),  # how a service words its errors, all within the contract
            ("question must be a non-blank string of at most 500 characters",
             "The assistant cannot answer right now; please try again.", {"Cache-Control": "no-store"}),
            ("invalid question", "temporarily unavailable", {"X-Service": "assistant"})]


def broken(bug, wording=0):
    # A service with one bug ("none": no bug); everything else follows the contract, worded as WORDINGS[wording].
    bad_question, unavailable, extra = WORDINGS[wording]

    def make(answer_fn):
        app = FastAPI()
        ids = [uuid.uuid4().hex]
        metrics = RecordingMetrics()

        @app.get("/health")
        def health():
            return {"status": "down"} if bug == "health" else {"status": "ok"}

        @app.get("/metrics")
        def snapshot():
            return metrics.snapshot()

        @app.post("/ask")
        async def ask(request: Request):
            rid = ids[0] if bug == "same_id" else uuid.uuid4().hex
            try:
                body = await request.json()
            except ValueError:
                body = None
            q = body.get("question") if isinstance(body, dict) else None
            blank_ok = bug == "blank_ok"
            if not isinstance(q, str) or (not q.strip() and not blank_ok) or len(q.strip()) > MAX_QUESTION_CHARS:
                return JSONResponse({"error": {"code": "bad_question", "message": bad_question,
                                               "request_id": rid}}, 422, headers={"X-Request-ID": rid, **extra})
            started = time.perf_counter()
            try:
                result = answer_fn(q if bug == "no_strip" else q.strip())
            except Exception as exc:
                metrics.observe(time.perf_counter() - started, error=True)
                status = 500 if bug == "500" else 503
                message = str(exc) if bug == "leak" else unavailable
                return JSONResponse({"error": {"code": "answer_unavailable", "message": message,
                                               "request_id": rid}}, status, headers={"X-Request-ID": rid, **extra})
            metrics.observe(time.perf_counter() - started, refused=result["refused"])
            body = {"answer": result["answer"], "citations": result["citations"], "refused": result["refused"],
                    "request_id": rid}
            if bug == "no_citations":
                body.pop("citations")
            if bug == "refused_as_false":
                body["refused"] = False
            return JSONResponse(body, headers=extra if bug == "no_header" else {"X-Request-ID": rid, **extra})

        return TestClient(app)
    return judge_side(make)


def catches(bug, wording=0):
    try:
        check_service(broken(bug, wording))
    except AssertionError:
        return True
    return False

check_equal(catches("none"), False, label="your suite on a correct service",
            hint="it fails on a service that keeps the contract: test the contract, not one implementation.")
check_equal(catches("health"), True, label="catches a failing health check")
check_equal(catches("leak"), True, label="catches a 503 that leaks the exception text")
print("check_service: visible tests passed.")
### BEGIN HIDDEN TESTS
from shiplab_checks import case_rng

# the broken services and correct ones, each worded its own way, in an order drawn for this submission: a suite
# that tells them apart by anything but their behaviour (the order, how many it has seen, a message's text) fails
_rng = case_rng(61)
_services = [("500", "a failing answer_fn must give 503, not 500."),
             ("same_id", "request ids must differ between requests."),
             ("blank_ok", "a blank question must be a 422 and never reach answer_fn."),
             ("no_citations", "the body must carry citations."),
             ("no_header", "the request id must also be in the X-Request-ID header."),
             ("refused_as_false", "a refusal must come back with refused=true."),
             ("no_strip", "answer_fn gets the stripped question.")] + [("none", "")] * 3
_rng.shuffle(_services)
for bug, why in _services:
    _wording = _rng.randrange(len(WORDINGS))
    if bug == "none":
        check_equal(catches("none", _wording), False, label="your suite on a correct service",
                    hint="its messages are worded its own way and it may send other headers: test what the contract "
                         "promises, in any order, however many services you have seen.", secret=True)
    else:
        check_equal(catches(bug, _wording), True, "your suite missed a broken service: " + why, secret=True)
### END HIDDEN TESTS

# %% [markdown] ex4_text
# ## 4. Ship, hold or roll back (10 minutes)
#
# Before launch, the **governance checklist** decides; after launch, the **metrics against the baseline** do. Write
# `release_decision(checklist, live=None, baseline=None)` returning `(decision, reasons)`:
#
# 1. `checklist` maps items to `True`/`False`. If any item of `REQUIRED_CHECKS` (below) is missing or not `True` →
#    `("hold", [those items, in the order of REQUIRED_CHECKS])`. This comes first, also after launch.
# 2. Else, if `live` is `None` or has no requests yet (`live["requests"] == 0`) → `("ship", [])`.
# 3. Else compare `live` (a `Metrics.snapshot()`, or your service's `/metrics`: see below) with `baseline` (the same
#    keys, measured before the change) and roll back when **any** of these holds, naming each that does, in this order:
#    - `"error_rate"`: live error rate above the baseline's **plus 0.02** (2 percentage points);
#    - `"p95_ms"`: live p95 above **1.5 ×** the baseline's;
#    - `"refusal_rate"`: live refusal rate above the baseline's **plus 0.10**;
#    - `"cost_per_request"`: the live p95 cost `live["cost_per_request"]["p95"]` above the operator's budget
#      `live["cost_budget"]["max_per_request"]`, **or** above **1.5 ×** the baseline's
#      `baseline["cost_per_request"]["p95"]` — named once when both hold. Without a budget only the baseline half
#      applies, without a baseline p95 cost only the budget half. A budget or a baseline p95 cost of 0 counts (the
#      course's `local` model costs nothing): any live cost above 0 then rolls back;
#    → `("rollback", [names])`. A live value that is `None` triggers nothing. For the cost, a value counts as not
#    there when it, or the dict holding it, is missing or `None` (your part-1 `Metrics` has no cost keys at all).
# 4. Otherwise `("keep", [])`.
#
# Where the cost comes from: your repository's service (part 5) prices every answered request from the operator's
# price table, and its `/metrics` adds to your `Metrics`' keys `"cost_per_request": {"p50": …, "p95": …, "total": …,
# "priced": …, "unpriced": …}` (nearest-rank percentiles of the answered requests' cost; `"p95": None` before any
# answer was priced) and `"cost_budget": {"max_per_request": …, …}` (the operator's `ASSISTANT_MAX_COST_PER_REQUEST`,
# `None` when unset). Once live, over budget rolls back here; the repository's `python -m assistant.production budget`
# says *hold* for the same budget, because you run it before rolling out any further.

# %% solution release_decision
REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    ### BEGIN SOLUTION
    missing = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
    if missing:
        return "hold", missing
    if live is None or not live.get("requests"):
        return "ship", []
    rules = [("error_rate", lambda now, before: now > before + 0.02),
             ("p95_ms", lambda now, before: now > 1.5 * before),
             ("refusal_rate", lambda now, before: now > before + 0.10)]
    reasons = [name for name, worse in rules
               if live.get(name) is not None and baseline.get(name) is not None and worse(live[name], baseline[name])]
    cost = (live.get("cost_per_request") or {}).get("p95")
    budget = (live.get("cost_budget") or {}).get("max_per_request")
    cost_before = (baseline.get("cost_per_request") or {}).get("p95")
    if cost is not None and ((budget is not None and cost > budget)
                             or (cost_before is not None and cost > 1.5 * cost_before)):
        reasons.append("cost_per_request")
    return ("rollback", reasons) if reasons else ("keep", [])
    ### END SOLUTION

# %% tests test_release_decision points=3
# Visible tests: run me.
all_done = {item: True for item in REQUIRED_CHECKS}
base = {"requests": 500, "errors": 5, "error_rate": 0.01, "refusal_rate": 0.12, "p50_ms": 300.0, "p95_ms": 900.0}
check_returns(release_decision, all_done, expected=("ship", []), hint="checklist complete, not launched: ship.")
check_returns(release_decision, dict(all_done, rollback_tested=False), expected=("hold", ["rollback_tested"]),
              hint="a required item not done: hold, naming it.")
check_returns(release_decision, all_done, dict(base, error_rate=0.05), base, expected=("rollback", ["error_rate"]),
              hint="0.05 > 0.01 + 0.02: roll back.")
check_returns(release_decision, all_done, dict(base, p95_ms=1000.0), base, expected=("keep", []),
              hint="1000 ms is within 1.5 x 900 ms: keep.")
# With your service's /metrics: cost per answered request (p95 by nearest rank) and the operator's budget.
priced = dict(base, cost_per_request={"p50": 0.001, "p95": 0.002, "total": 1.25, "priced": 500, "unpriced": 0},
              cost_budget={"max_per_request": 0.004})
check_returns(release_decision, all_done, dict(priced, cost_per_request=dict(priced["cost_per_request"], p95=0.0035)),
              priced, expected=("rollback", ["cost_per_request"]),
              hint="p95 cost 0.0035 is under the budget 0.004 but above 1.5 x the baseline's 0.002 = 0.003: roll back.")
check_returns(release_decision, all_done, dict(priced, cost_per_request=dict(priced["cost_per_request"], p95=0.0045)),
              dict(priced, cost_per_request=dict(priced["cost_per_request"], p95=0.004)),
              expected=("rollback", ["cost_per_request"]),
              hint="p95 cost 0.0045 is over the budget 0.004 (within 1.5 x the baseline's 0.004): roll back.")
print("release_decision: visible tests passed.")
### BEGIN HIDDEN TESTS
check_returns(release_decision, {"owner_named": True, "data_classified": True}, expected=(
    "hold", ["personal_data_out_of_logs", "model_approved_for_data_class", "human_fallback", "rollback_tested"]),
    secret=True, hint="a missing item is not done; list them in the order of REQUIRED_CHECKS.")
check_returns(release_decision, dict(all_done, human_fallback="yes"), expected=("hold", ["human_fallback"]),
              secret=True, hint="only True counts as done.")
check_returns(release_decision, dict(all_done, owner_named=False), dict(base, error_rate=0.5), base,
              expected=("hold", ["owner_named"]), secret=True, hint="the checklist comes first, also after launch.")
worse = dict(base, error_rate=0.031, p95_ms=1351.0, refusal_rate=0.23)
check_returns(release_decision, all_done, worse, base, expected=("rollback", ["error_rate", "p95_ms", "refusal_rate"]),
              secret=True, hint="name every rule that fires, in order.")
edge = dict(base, error_rate=0.03, p95_ms=1350.0, refusal_rate=0.22)
check_returns(release_decision, all_done, edge, base, expected=("keep", []), secret=True,
              hint="exactly at the limit is not above it.")
check_returns(release_decision, all_done, dict(base, requests=0, error_rate=None, p95_ms=None, refusal_rate=None),
              base, expected=("ship", []), secret=True, hint="no live requests yet: ship.")
check_returns(release_decision, all_done, dict(base, refusal_rate=None, p95_ms=2000.0), base,
              expected=("rollback", ["p95_ms"]), secret=True, hint="a None live value triggers nothing.")
for _key in ("error_rate", "p95_ms", "refusal_rate"):
    check_returns(release_decision, all_done, dict(base, **{_key: None}), base, expected=("keep", []), secret=True,
                  hint=f"live {_key} None (everything else fine): it triggers nothing, and is no error - keep.")
check_returns(release_decision, all_done, dict(base, p95_ms=None, error_rate=0.2), base,
              expected=("rollback", ["error_rate"]), secret=True,
              hint="a live p95_ms of None triggers nothing; the other rules still apply.")
lower_base = dict(base, error_rate=0.0, p95_ms=400.0, refusal_rate=0.0)
check_returns(release_decision, all_done, dict(base, error_rate=0.01, p95_ms=500.0, refusal_rate=0.05), lower_base,
              expected=("keep", []), secret=True, hint="compare with the baseline given, not with fixed numbers.")


def _costs(p95, budget=0.004, **more):  # base as /metrics gives it: cost per request and the operator's budget
    if p95 is None:  # no answer priced yet
        cost = {"p50": None, "p95": None, "total": 0.0, "priced": 0, "unpriced": 500}
    else:
        cost = {"p50": min(p95, 0.001), "p95": p95, "total": 1.25, "priced": 500, "unpriced": 0}
    return dict(base, cost_per_request=cost, cost_budget={"max_per_request": budget}, **more)


cost_base = _costs(0.002)  # baseline p95 cost 0.002: the growth half fires above 0.003
for _p95, _want, _why in [(0.003, ("keep", []), "exactly 1.5 x the baseline's p95 cost is not above it"),
                          (0.0031, ("rollback", ["cost_per_request"]), "just above 1.5 x the baseline's p95 cost"),
                          (0.0029, ("keep", []), "under 1.5 x the baseline and under the budget")]:
    check_returns(release_decision, all_done, _costs(_p95), cost_base, expected=_want, secret=True,
                  hint=f"live p95 cost {_p95} against baseline 0.002, budget 0.004: {_why}.")
check_returns(release_decision, all_done, _costs(0.004), _costs(0.004), expected=("keep", []), secret=True,
              hint="a p95 cost exactly at the budget is not over it.")
check_returns(release_decision, all_done, _costs(0.004001), _costs(0.004), expected=("rollback", ["cost_per_request"]),
              secret=True, hint="a p95 cost just over the budget rolls back (the growth is within 1.5 x).")
check_returns(release_decision, all_done, _costs(None), cost_base, expected=("keep", []), secret=True,
              hint="a live p95 cost of None (no answer priced yet) triggers nothing.")
check_returns(release_decision, all_done, dict(base, cost_budget={"max_per_request": 0.004}), cost_base,
              expected=("keep", []), secret=True,
              hint="live without cost_per_request (your Metrics' snapshot): the cost triggers nothing, and is no error.")
check_returns(release_decision, all_done, dict(base, cost_per_request=None, cost_budget={"max_per_request": 0.004}),
              cost_base, expected=("keep", []), secret=True, hint="a live cost_per_request of None triggers nothing.")
_no_budget = {k: v for k, v in _costs(0.0031).items() if k != "cost_budget"}
check_returns(release_decision, all_done, _no_budget, cost_base, expected=("rollback", ["cost_per_request"]),
              secret=True, hint="without a budget (no cost_budget in live) the baseline half still applies.")
check_returns(release_decision, all_done, dict(_no_budget, cost_per_request=dict(_no_budget["cost_per_request"],
                                                                                 p95=0.0029)),
              cost_base, expected=("keep", []), secret=True,
              hint="without a budget, a p95 cost within 1.5 x the baseline's: keep (no error).")
check_returns(release_decision, all_done, _costs(0.0031, budget=None), cost_base,
              expected=("rollback", ["cost_per_request"]), secret=True,
              hint="a budget of None (ASSISTANT_MAX_COST_PER_REQUEST unset): the baseline half still applies.")
check_returns(release_decision, all_done, dict(_costs(0.0029), cost_budget=None), cost_base, expected=("keep", []),
              secret=True, hint="a cost_budget of None is no budget (and no error).")
check_returns(release_decision, all_done, _costs(0.0045), base, expected=("rollback", ["cost_per_request"]),
              secret=True, hint="a baseline without a p95 cost: the budget half still applies (0.0045 > 0.004).")
check_returns(release_decision, all_done, _costs(0.0035), base, expected=("keep", []), secret=True,
              hint="a baseline without a p95 cost and a live p95 cost under the budget: keep (no error).")
check_returns(release_decision, all_done, _costs(0.0045), _costs(None), expected=("rollback", ["cost_per_request"]),
              secret=True, hint="a baseline p95 cost of None: the budget half still applies.")
check_returns(release_decision, all_done, _costs(0.0), _costs(0.0), expected=("keep", []), secret=True,
              hint="a live p95 cost of 0 against a baseline of 0 is not above it.")
check_returns(release_decision, all_done, _costs(0.0001), _costs(0.0), expected=("rollback", ["cost_per_request"]),
              secret=True, hint="a baseline p95 cost of 0: any live cost above 0 rolls back.")
check_returns(release_decision, all_done, _costs(0.0001, budget=0.0), base, expected=("rollback", ["cost_per_request"]),
              secret=True, hint="a budget of 0 is a budget: any live cost above it rolls back.")
check_returns(release_decision, all_done, _costs(0.01), cost_base, expected=("rollback", ["cost_per_request"]),
              secret=True, hint="over the budget and over 1.5 x the baseline: named once.")
check_returns(release_decision, all_done, _costs(0.01, error_rate=0.05), cost_base,
              expected=("rollback", ["error_rate", "cost_per_request"]), secret=True,
              hint="the cost comes after the error rate (and p95_ms and refusal_rate): in the order of the rules.")
check_returns(release_decision, all_done, _costs(0.01, error_rate=0.031, p95_ms=1351.0, refusal_rate=0.23), cost_base,
              expected=("rollback", ["error_rate", "p95_ms", "refusal_rate", "cost_per_request"]), secret=True,
              hint="name every rule that fires, the cost last.")
check_returns(release_decision, dict(all_done, human_fallback=False), _costs(0.01), cost_base,
              expected=("hold", ["human_fallback"]), secret=True,
              hint="the checklist comes first, also when the cost is over the budget.")
check_returns(release_decision, all_done, _costs(0.01, requests=0, error_rate=None, p95_ms=None, refusal_rate=None),
              cost_base, expected=("ship", []), secret=True, hint="no live requests yet: ship, whatever the cost says.")
from shiplab_checks import case_rng, check_against


def _ref_decision(checklist, live=None, baseline=None):
    _missing = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
    if _missing:
        return "hold", _missing
    if live is None or not live.get("requests"):
        return "ship", []
    _rules = [("error_rate", lambda now, before: now > before + 0.02),
              ("p95_ms", lambda now, before: now > 1.5 * before),
              ("refusal_rate", lambda now, before: now > before + 0.10)]
    _why = [n for n, worse in _rules if live.get(n) is not None and worse(live[n], baseline[n])]

    def _known(metrics, outer, inner):
        return (metrics.get(outer) or {}).get(inner)

    _cost = _known(live, "cost_per_request", "p95")
    _limits = [_known(live, "cost_budget", "max_per_request"), None]
    if _known(baseline, "cost_per_request", "p95") is not None:
        _limits[1] = 1.5 * _known(baseline, "cost_per_request", "p95")
    if _cost is not None and any(limit is not None and _cost > limit for limit in _limits):
        _why.append("cost_per_request")
    return ("rollback", _why) if _why else ("keep", [])


def _releases(seed, n=250):
    rng = case_rng(seed)
    for _ in range(n):
        if rng.random() < 0.5:                      # half the cases pass the checklist and reach the metrics
            checklist = {item: True for item in REQUIRED_CHECKS}
        else:
            checklist = {item: rng.choice([True, True, True, True, False, "yes", 1]) for item in REQUIRED_CHECKS
                         if rng.random() < 0.95}
        if rng.random() < 0.2:
            checklist["extra_item"] = False
        baseline = {"requests": 500, "error_rate": 0.25, "p95_ms": 200, "refusal_rate": 0.2}
        if rng.random() < 0.7:                      # a baseline measured with cost (p95 0.002: limit 0.003)
            baseline["cost_per_request"] = rng.choice([{"p50": 0.001, "p95": 0.002}, {"p50": 0.0, "p95": 0.0},
                                                       {"p50": None, "p95": None}])
        live = rng.choice([None, {"requests": 0, "error_rate": None, "p95_ms": None, "refusal_rate": None}]
                          + [{"requests": rng.randint(1, 50), "error_rate": rng.choice([0.2, 0.26, 0.3, None]),
                             "p95_ms": rng.choice([150, 300, 301, 400, None]),
                             "refusal_rate": rng.choice([0.1, 0.25, 0.35, None])}] * 2)
        if live is not None and rng.random() < 0.7:  # a /metrics: cost and budget, each maybe unknown
            live = dict(live)
            p95 = rng.choice([None, 0.0, 0.001, 0.003, 0.0031, 0.004, 0.0045])
            live["cost_per_request"] = rng.choice([None, {"p50": None if p95 is None else min(p95, 0.001),
                                                          "p95": p95}] + [{"p50": 0.0005, "p95": p95}] * 3)
            if rng.random() < 0.8:
                live["cost_budget"] = rng.choice([None, {"max_per_request": None}, {"max_per_request": 0.0},
                                                  {"max_per_request": 0.004}, {"max_per_request": 0.004}])
        yield (checklist, live, baseline)


check_against(release_decision, _ref_decision, list(_releases(113)),
              hint="hold for every required item missing or not exactly True (in REQUIRED_CHECKS' order), before "
                   "anything else; ship without live requests; rollback naming each rule broken, in order "
                   "(error rate above baseline + 0.02, p95 above 1.5 x baseline, refusal rate above baseline + "
                   "0.10, p95 cost per request over the live budget or above 1.5 x the baseline's p95 cost; a "
                   "None or missing value breaks nothing); else keep.")
### END HIDDEN TESTS

# %% [markdown] repo_text
# ## 5. Your case: your repository, its CI, one real rollback (15 minutes)
#
# The service you built in parts 1–3 now gets **your** lab-5 chain over **your** index, in a repository of your own,
# made from the course's template (`template/` beside this notebook):
#
# - `assistant/service.py` — your `Metrics` and `create_app` (from this notebook); `tests/contract.py` — your
#   `check_service`; `assistant/chain.py` — lab 5's prompt and helpers with your `format_context`, `should_refuse`
#   and `answer`, and lab 4's `allowed_filter` (read from your saved lab-4 and lab-5 notebooks);
# - `assistant/production.py` — a **bearer token** on every `/ask` (401 in your error shape otherwise), the token's
#   **clearance passed to the retrieval filter** (`where=allowed_filter(clearance)`: nobody gets an answer from a
#   document above their clearance), a **timeout on the model call** (your 503 past it), and a **feature flag**
#   (`flags.json`, re-read on every request) that switches to the previous version — a search result, no model;
# - a `Dockerfile`, CI (`.github/workflows/ci.yml`) that runs `pytest`: your contract tests and the production tests;
# - what you watch once it runs (given, nothing to write): every `/ask` is a **trace** with one span per step
#   (retrieval, your gate, the model, your post-check), the model's tokens under the OpenTelemetry GenAI names and the
#   request's **cost** from your operator's price table, in the request's log line — never the question or a token;
#   `POST /feedback` lets a user rate their own answer once; `/metrics` adds cost p50/p95, tokens, the helpful rate
#   and a **cost budget** per request (`python -m assistant.production budget` says *hold* when p95 is over it). The
#   repository's README says how to send the traces to your company's tracing backend.
#
# The first cell writes the repository (to `~/my-assistant`; files you edited there are kept), commits it with git,
# and runs its tests as CI would. The second performs **one real rollback**: it builds your index from `~/documents`,
# starts your service with uvicorn on 127.0.0.1, asks it a question of yours with a token (your chain answers),
# switches the flag off — `python -m assistant.production flag assistant off` — and asks again: the previous version
# must answer, in the same process, without a deploy. It measures how long that took (your rollback plan quotes it),
# keeps the record in `rollback.json`, and switches the flag back on. Push the repository to your company's git when
# you are back: CI runs there as here.

# %% free my_repository
# Your case: your repository from the template, with your own code, and its CI run here.
import shipkit

MY_REPO = Path.home() / "my-assistant"   # your repository (git); push it to your company's git on Monday
MIN_SCORE = 0.35                         # your threshold from lab 5's part 3 (its cell printed it)
try:
    chain_py, notes = shipkit.chain_source(MIN_SCORE)
    made = shipkit.write_repository(MY_REPO, shipkit.kernel_source(Metrics, create_app),
                                    shipkit.kernel_source(check_service), chain_py)
    print("\n".join(notes))
    print(f"Repository {made['repo']} (commit {made['commit']}); written: {', '.join(made['written'])}"
          + (f"; kept as you edited them: {', '.join(made['kept'])}" if made["kept"] else ""))
    exit_code, output = shipkit.run_ci(MY_REPO)
    print(output[-1200:])
    print("CI: green - your contract and the production tests pass." if exit_code == 0 else
          "CI: red - read the failures above; fix the code in the notebook (or in the repository) and run again.")
except shipkit.NotReady as problem:
    print(problem)

# %% free my_rollback
# Your case: one real rollback on your own index. Needs the repository of the cell above.
from shiplab.data.api import datasets_dir

MY_DOCUMENTS = Path.home() / "documents"   # your documents (lab 2); the sample company's only if you have none
MY_QUESTION = "How much do I pay myself on each claim with Household Basic cover?"  # a question YOUR users ask
own = MY_DOCUMENTS.is_dir() and any(p.is_file() for p in MY_DOCUMENTS.rglob("*"))
if not own:
    print("No documents in ~/documents: rolling back over the sample company's (not your case - bring yours).")
try:
    record = shipkit.real_rollback(MY_REPO, MY_QUESTION, documents=MY_DOCUMENTS if own else
                                   datasets_dir() / "documents", index_label="own" if own else "sample")
    print(f"Rolled back in {record['seconds_to_roll_back']} s: before {record['before']}, after {record['after']}; "
          f"without a token: {record['without_token']}. Kept in {MY_REPO / 'rollback.json'}.")
except shipkit.NotReady as problem:
    print(problem)

# %% [markdown] plan_text
# ## 6. Your case: your ship plan (15 minutes)
#
# The plan starts from the case you picked in lab 1 (`~/shiplab-case.json`: use case, backlog item, metric, how the
# baseline is measured); you write the rest. It **cannot be filed** while any of these holds (the cell lists each):
#
# - a field is empty, or still the example's (the example: *claims handlers ask the handbook assistant …,
#   NVA-123, 7.5 min median …*);
# - no baseline value, or no sentence on how it was measured (source, period, how many cases);
# - no business owner (who owns the outcome) or no approver (who signs off data and provider — not the owner);
# - the data class and provider, chosen as in lab 1: the governance policy (the rule your `decide()` implements, the
#   one the gateway applies) must not refuse that class for that provider;
# - the planned date is past the workshop's last day + 60 days, or in the past;
# - no first step for Monday (one concrete action, with whom).
#
# The checklist is no longer typed in: `rollback_tested` comes from your rollback record, `model_approved_for_data_class`
# from the policy, `owner_named` from the plan; the two items only you can vouch for stay `False` until you set them.

# %% free my_plan
# Your case: your plan. Fill in every "" and None; run; then run the next cell to file it.
import datetime as dt

from shiplab import settings as shiplab_settings
from shiplab.course.mycase import load_case
from shiplab.gateway.policy import load as load_policy

case = load_case()
if case is None:
    print("No ~/shiplab-case.json yet (lab 1's 'pick your case' writes it): write every field below yourself.")
SHIP_PLAN = shipkit.plan_from_case(case)   # use_case, backlog_ref, metric_name, baseline_method from lab 1
SHIP_PLAN.update({
    "unit": "",                # e.g. "min", "days", "%"
    "baseline_value": None,    # the metric TODAY, measured as baseline_method says: a number
    "target_value": None,      # where it should be 60 days after launch
    "planned_ship_date": "",   # "YYYY-MM-DD", at most 60 days after the workshop's last day
    "business_owner": "",      # who owns the outcome in the business: name and role
    "approver": "",            # who signs off data and provider (data protection, security): not the owner
    "data_class": "",          # the class of what the assistant reads: public, internal, confidential, restricted
    "provider": "",            # the model provider (the hub's: see hub_config/governance.yaml, as in lab 1)
    "first_step_monday": "",   # one concrete action on Monday morning, with whom
})

policy = load_policy(shiplab_settings.REPO_ROOT / "hub_config" / "governance.yaml")
try:
    workshop_end = dt.date.fromisoformat(shiplab_settings.load()["tracker.workshop_end"])
except (KeyError, TypeError, ValueError, OSError, shiplab_settings.SettingsError):
    workshop_end = dt.date.today()  # no cohort dates here: today is the workshop's last day
decision = (policy.decide(SHIP_PLAN["provider"], SHIP_PLAN["data_class"]).action
            if SHIP_PLAN["provider"] and SHIP_PLAN["data_class"] else None)
rollback = shipkit.load_rollback(MY_REPO)
CHECKLIST = {
    "data_classified": SHIP_PLAN["data_class"] in shipkit.CLASSES,
    "personal_data_out_of_logs": False,   # True once you have read your service's log lines: no question, no header
    "model_approved_for_data_class": decision in ("allow", "redact"),
    "human_fallback": False,              # True once every refusal sends the user to a named person or team
    "rollback_tested": not shipkit.rollback_problems(rollback),
    "owner_named": bool(SHIP_PLAN["business_owner"].strip() and SHIP_PLAN["approver"].strip()),
}
ROLLBACK_PLAN = (f"Trigger: part 4's rules against the baseline. Who: {SHIP_PLAN['business_owner'] or '<owner>'} "
                 f"decides; on-call may switch off alone. How: `python -m assistant.production flag assistant off` "
                 f"- measured {rollback['seconds_to_roll_back'] if rollback else '?'} s on {rollback['at'] if rollback else '?'}; "
                 "if the image itself is broken: the previous image tag.")
PLAN_PROBLEMS = shipkit.plan_problems(SHIP_PLAN, workshop_end=workshop_end, policy=policy)
shipkit.keep_plan(MY_REPO, SHIP_PLAN, PLAN_PROBLEMS, decision, ROLLBACK_PLAN)
print("Release decision from your checklist:", release_decision(CHECKLIST))
print("Ready to file." if not PLAN_PROBLEMS else "Cannot be filed yet:\n- " + "\n- ".join(PLAN_PROBLEMS))

# %% free file_plan
# Your case: file the ship plan in the tracker. Uses the tracker's JSON API with your hub token when the hub
# provides it (the token is read from the environment and never printed); otherwise says how to file it by hand.
# A plan you filed before is never changed from here unless you say so:
REPLACE_MY_PLAN = False  # True: replace your first ship plan in the tracker with SHIP_PLAN above
import httpx

tracker = os.environ.get("SHIPLAB_TRACKER_URL", "").rstrip("/")
token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
payload = shipkit.tracker_payload(SHIP_PLAN, decision or "") if not PLAN_PROBLEMS else None
if PLAN_PROBLEMS:
    print("Nothing was filed: the plan cannot be filed yet (" + "; ".join(PLAN_PROBLEMS) + "). Fix SHIP_PLAN in "
          "the cell above, run it, then run this cell again.")
elif not tracker or not token:
    print("No tracker here (e.g. while grading, or outside the hub). To file your plan: open the hub's home page, "
          "go to Services -> tracker (/services/tracker/), choose 'New ship plan' and copy these values:")
    print(json.dumps(payload, indent=2))
else:
    headers = {"Authorization": f"token {token}"}
    try:
        me = httpx.get(f"{tracker}/api/me", headers=headers, timeout=10)
        plans = me.json().get("plans") if me.status_code == 200 else None
        if me.status_code != 200:
            print(f"The tracker answered {me.status_code} to /api/me: {me.text[:200]}")
        elif plans and not REPLACE_MY_PLAN:
            filed = httpx.get(f"{tracker}/api/plans/{plans[0]}", headers=headers, timeout=10)
            what = filed.json().get("use_case", "") if filed.status_code == 200 else ""
            print(f"You already have ship plan #{plans[0]}" + (f" ({what[:80]!r})" if what else "") + ": nothing "
                  "was changed. To replace it with SHIP_PLAN, set REPLACE_MY_PLAN = True at the top of this cell and "
                  f"run it again; to change it by hand, open {tracker}/plans/{plans[0]}.")
        elif plans:
            r = httpx.put(f"{tracker}/api/plans/{plans[0]}", headers=headers, json=payload, timeout=10)
            print(f"Replaced your ship plan #{plans[0]} with SHIP_PLAN, as REPLACE_MY_PLAN asked: HTTP {r.status_code}",
                  r.json() if r.status_code < 300 else r.text[:300])
        else:
            r = httpx.post(f"{tracker}/api/plans", headers=headers, json=payload, timeout=10)
            print(f"Filed your ship plan: HTTP {r.status_code}", r.json() if r.status_code < 300 else r.text[:300])
    except httpx.HTTPError as exc:
        print(f"Could not reach the tracker at {tracker} ({type(exc).__name__}); file the plan on its page instead.")

# %% [markdown] my_case_text
# ## Your case, recorded (1 point, for completion)
#
# Run the cell: it records the steps of parts 5 and 6 that passed their checks — your repository's CI green, the
# rollback on your own index, a plan that can be filed — in `my-case.json` beside this notebook (Submit hands it in;
# your instructor's board shows *my case: done*). In its stub, replace `raise NotImplementedError()` with
# `rows = my_case_rows(MY_REPO)`.

# %% code my_case_helpers
# Run me: what the completion check counts (given code).
from shiplab.course.mycase import Part, check_part, record_part


def _not_own(rows):
    return [str(r.get("step")) for r in rows if r.get("index") == "sample"]


LAB6_CASE = Part("lab6-production", "steps of your own case done (repository with green CI, rollback on your own "
                 "index, a plan that can be filed)", 3, "step", ("step", "evidence"), _not_own)


def my_case_rows(repo):
    # the steps of parts 5 and 6 that passed their checks, from the records they kept in your repository
    def read(name):
        try:
            return json.loads((Path(repo) / name).read_text(encoding="utf-8"))
        except (OSError, TypeError, ValueError):
            return None
    rows = []
    ci, rollback, plan = read("ci.json"), read("rollback.json"), read("ship-plan.json")
    if ci and ci.get("exit_code") == 0:
        rows.append({"step": "repository", "evidence": f"commit {ci.get('commit')}: {ci.get('summary')}"})
    if rollback and rollback.get("ok"):
        rows.append({"step": "rollback", "index": rollback.get("index", "sample"),
                     "evidence": f"{rollback['before']['version']} -> {rollback['after']['version']} in "
                                 f"{rollback['seconds_to_roll_back']} s"})
    if plan and not plan.get("problems"):
        rows.append({"step": "plan", "evidence": f"{plan['plan'].get('metric_name')}: baseline "
                                                 f"{plan['plan'].get('baseline_value')}, by "
                                                 f"{plan['plan'].get('planned_ship_date')}"})
    return rows

# %% solution my_case_work
### BEGIN SOLUTION
rows = my_case_rows(globals().get("MY_REPO", Path.home() / "my-assistant"))
### END SOLUTION
MY_CASE_ROWS = record_part(LAB6_CASE, rows)

# %% tests my_case points=1
# The completion check: run me. "my case not done: ..." says what is still missing.
from shiplab.course.mycase import check_part

print(check_part(LAB6_CASE, MY_CASE_ROWS))
### BEGIN HIDDEN TESTS
check_that({r.get("step") for r in MY_CASE_ROWS} >= {"repository", "rollback", "plan"},
           "my case not done: the repository, the rollback and the plan must each be recorded.",
           hint="run parts 5 and 6 until each says it passed, then this cell's cell above.")
### END HIDDEN TESTS

# %% [markdown] wrap_up
# ## Done
#
# You have a service with a contract and tests that catch it breaking, logs without personal data, metrics with a
# rollback rule, a checklist, and a ship plan with a measured baseline. The tracker will ask you in 30 and 60 days
# whether it shipped.
#
# Press *Validate*, then submit in the *Assignments* tab.
