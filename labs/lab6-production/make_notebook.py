"""Lab 6 — To production: the notebook's source (``python labs/lab6-production/make_notebook.py``).

The graded parts are the service (FastAPI, tested in-process with ``TestClient``), its metrics, the participant's own
contract tests (graded by whether they catch deliberately broken services) and the release decision from the
governance checklist. Filing the ship plan in the tracker is an exploration step: it uses the tracker's API when the
hub provides it and otherwise says how to file by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from shiplab.course.authoring import code, free, main, solution, tests, text  # noqa: E402

INTRO = """
# Lab 6 — To production (90 minutes)

A notebook that answers questions is a demo. A service that answers them — behind a stable contract, with tests that
fail when someone breaks it, logs you may keep, metrics that tell you when to roll back, and a governance checklist
signed off — is something Nordlicht can ship. You wrap the question-answering app from lab 5 as that service, and end
by filing **your own** ship plan: the use case from your backlog, the metric, its baseline.

| part | what you build | expected time |
|---|---|---|
| 0 | set-up: the app to ship (lab 5's pipeline, as a function) | 5 min |
| 1 | `Metrics`: request counts, error and refusal rates, p50/p95 latency (3 points) | 10 min |
| 2 | `create_app`: the FastAPI service — contract, errors, logs, metrics (2 + 2 + 2 points) | 25 min |
| 3 | `check_service`: contract tests that catch broken services (3 points) | 15 min |
| – | run your contract as a real pytest suite | 5 min |
| 4 | `release_decision`: ship, hold or roll back (3 points) | 10 min |
| 5 | your rollback plan and governance checklist; file your ship plan in the tracker | 20 min |

**How to work:** run the cells from the top; replace each `raise NotImplementedError()` and run the test cell under
it. Everything graded runs in-process (no server to start, no network); the last part talks to the tracker when your
hub provides it.
"""

SETUP = r'''
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
'''

EX1 = """
## 1. Metrics you can roll back on (10 minutes)

After launch you decide from numbers, so count them from the first request. Write a class `Metrics` with

- `observe(latency_s, refused=False, error=False)`: record one `/ask` request (its latency in **seconds**; whether
  the answer was a refusal; whether the service failed);
- `snapshot()` returning a dict:
  - `"requests"`: requests observed; `"errors"`: those with `error=True`;
  - `"error_rate"`: errors / requests;
  - `"refusal_rate"`: refusals / requests **that did not fail** (a failed request gave no answer to refuse);
  - `"p50_ms"`, `"p95_ms"`: latency percentiles of all requests in **milliseconds** (not rounded: 0.1234 s is
    123.4 ms), by the *nearest-rank* method: the p-th percentile of n sorted values is the value at position
    `ceil(p / 100 * n)` (counting from 1; `ceil`, not `round`);
  - rates are not rounded either (1 error in 3 requests: `1 / 3`);
  - a value that cannot be computed (no requests; no request that did not fail) is `None`.
"""

EX1_SOLUTION = '''
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
'''

EX1_TESTS = """
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
import random as _random

from shiplab_checks import check_against


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
    rng = _random.Random(seed)
    for _ in range(n):
        yield ([(rng.choice([0.0123, 0.1, 0.1234, 0.2, 0.35, 1.5, 2.0004]), rng.random() < 0.3, rng.random() < 0.25)
                for _ in range(rng.randint(0, 12))],)


check_against(_snapshot_after, _ref_snapshot, list(_observations(127)), tol=1e-9,
              hint="latencies in milliseconds, not rounded; nearest rank with ceil(p / 100 * n); rates not rounded; "
                   "refusals among requests that did not fail; None when a value cannot be computed.")
### END HIDDEN TESTS
"""

EX2 = """
## 2. The service (25 minutes)

Write `create_app(answer_fn, metrics, logger)` returning a FastAPI app with this contract:

**`GET /health`** → `200 {"status": "ok"}`.

**`POST /ask`** with the JSON body `{"question": "..."}`:

- the question must be a string that is not blank and at most `MAX_QUESTION_CHARS` (500) characters after
  stripping whitespace (`str.strip()`: spaces, tabs, line breaks). Otherwise (missing, not a string, blank, too long, or a body that is not a JSON object) →
  `422 {"error": {"code": "bad_question", "message": "..."}}`, where the message says what is wrong and mentions
  `question`; `answer_fn` is **not** called;
- otherwise call `answer_fn(question)` (the stripped question). It returns a dict with at least `answer`,
  `citations`, `refused` (lab 5's `answer` also returns the chunks, which are not JSON, and may return more: send
  none of it) → `200 {"answer", "citations", "refused", "request_id"}`, exactly these four keys;
- if `answer_fn` raises **any** exception → `503 {"error": {"code": "answer_unavailable", "message": "..."}}`: a
  message for the user, **never** the exception's text (it may hold data, paths or keys) nor a traceback;
- every `/ask` response (200, 422, 503) carries a fresh `request_id` (`uuid.uuid4().hex`), also in the response
  header `X-Request-ID`; in the 422 and 503 bodies put it in `"error"` as `"request_id"`.

**Logging** — for every `/ask` request, exactly **one** record on `logger`, whose message is a JSON object (use
`json.dumps`) with the keys `"request_id"`, `"status"` (the HTTP status), `"latency_ms"`, `"refused"` (`null` unless
status 200) and `"question_chars"` (the length of the stripped question, 0 when there is none); a 503 adds `"error"`:
the exception's **class name**. Level: `INFO` for 200, `WARNING` for 422, `ERROR` for 503. **Never log the question
text or any request header** (questions carry personal data; headers carry tokens).

**Metrics** — every 200 and 503 is observed: `metrics.observe(latency_s, refused=..., error=...)` (422 is the
client's mistake, not the service's). **`GET /metrics`** → `200` with `metrics.snapshot()`.

Three test cells: the contract, errors and validation, logs and metrics (2 points each).
"""

EX2_SOLUTION = '''
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
'''

EX2_HELPERS = """
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
"""

EX2_TESTS_CONTRACT = """
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
_r = client_for(_blank).post("/ask", json={"question": "\\t\\n  \\n"})
check_equal((_r.status_code, _blank.calls), (422, []), "a question of only tabs and line breaks is blank too "
            "(str.strip()).", secret=True)
### END HIDDEN TESTS
"""

EX2_TESTS_ERRORS = """
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
### END HIDDEN TESTS
"""

EX2_TESTS_OBSERVE = """
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
### END HIDDEN TESTS
"""

TRY_SERVICE = """
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
"""

EX3 = """
## 3. Contract tests that catch broken services (15 minutes)

Tests are worth what they catch. Write `check_service(make_client)` — your contract test suite as one function —
that raises `AssertionError` (use `assert`) when a service breaks the contract of part 2, and returns quietly when
it keeps it. `make_client(answer_fn)` gives you a `TestClient` of the service under test, built around the answer
function you pass, so you can make it answer, refuse or fail (use `fake_answer`, `fake_refusal`, `failing`, `Spy`
from the helpers above, or your own).

Your function is graded by running it against your **correct** `create_app` (it must pass) and against
**deliberately broken** services (it must fail on each): a missing health check, a wrong status code, a leaked
exception text, a bad question that reaches `answer_fn`, a missing or repeated request id, a missing field, ….
Test the whole contract, not one example.
"""

EX3_SOLUTION = '''
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
    assert spied.post("/ask", json={"question": " ok "}).status_code == 200 and spy.calls == ["ok"], \\
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
'''

EX3_TESTS = """
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


def broken(bug):
    # A service with one bug; everything else follows the contract. (No peeking needed: each is small.)
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
                return JSONResponse({"error": {"code": "bad_question", "message": "bad question",
                                               "request_id": rid}}, 422, headers={"X-Request-ID": rid})
            started = time.perf_counter()
            try:
                result = answer_fn(q if bug == "no_strip" else q.strip())
            except Exception as exc:
                metrics.observe(time.perf_counter() - started, error=True)
                status = 500 if bug == "500" else 503
                message = str(exc) if bug == "leak" else "unavailable, try again"
                return JSONResponse({"error": {"code": "answer_unavailable", "message": message,
                                               "request_id": rid}}, status, headers={"X-Request-ID": rid})
            metrics.observe(time.perf_counter() - started, refused=result["refused"])
            body = {"answer": result["answer"], "citations": result["citations"], "refused": result["refused"],
                    "request_id": rid}
            if bug == "no_citations":
                body.pop("citations")
            if bug == "refused_as_false":
                body["refused"] = False
            return JSONResponse(body, headers={} if bug == "no_header" else {"X-Request-ID": rid})

        return TestClient(app)
    return make


def catches(bug):
    try:
        check_service(broken(bug))
    except AssertionError:
        return True
    return False

check_equal(catches("none"), False, label="your suite on a correct service",
            hint="it fails on a service that keeps the contract: test the contract, not one implementation.")
check_equal(catches("health"), True, label="catches a failing health check")
check_equal(catches("leak"), True, label="catches a 503 that leaks the exception text")
print("check_service: visible tests passed.")
### BEGIN HIDDEN TESTS
for bug, why in [("500", "a failing answer_fn must give 503, not 500."),
                 ("same_id", "request ids must differ between requests."),
                 ("blank_ok", "a blank question must be a 422 and never reach answer_fn."),
                 ("no_citations", "the body must carry citations."),
                 ("no_header", "the request id must also be in the X-Request-ID header."),
                 ("refused_as_false", "a refusal must come back with refused=true."),
                 ("no_strip", "answer_fn gets the stripped question.")]:
    check_equal(catches(bug), True, "your suite missed a broken service: " + why, secret=True)
### END HIDDEN TESTS
"""

PYTEST = """
# Explore: the same contract as a real pytest suite. In your repository this is tests/test_assistant.py; here pytest
# runs in this kernel, with a fixture that hands your create_app to the tests.
import importlib.util
import textwrap

if importlib.util.find_spec("pytest") is None:
    print("pytest is not installed in this environment: skipping (pip install pytest in your project).")
else:
    import pytest

    suite_dir = Path(tempfile.mkdtemp(prefix="lab6-pytest-"))
    (suite_dir / "test_assistant.py").write_text(textwrap.dedent('''
        def test_health(make_client):
            assert make_client(None).get("/health").json() == {"status": "ok"}

        def test_blank_question_is_422(make_client):
            assert make_client(None).post("/ask", json={"question": " "}).status_code == 422

        def test_contract(make_client, contract):
            contract(make_client)
    '''))

    class NotebookFixtures:
        # Hands the notebook's create_app and check_service to the test file (in a repository: imports).
        @pytest.fixture
        def make_client(self):
            return lambda answer_fn: TestClient(create_app(answer_fn, Metrics(), logging.getLogger("pytest")))

        @pytest.fixture
        def contract(self):
            return check_service

    exit_code = pytest.main([str(suite_dir), "-q", "-s", "-p", "no:cacheprovider", "-p", "no:warnings",
                             "--import-mode=importlib"],
                            plugins=[NotebookFixtures()])
    print("pytest exit code:", int(exit_code), "(0 = all passed)")
"""

EX4 = """
## 4. Ship, hold or roll back (10 minutes)

Before launch, the **governance checklist** decides; after launch, the **metrics against the baseline** do. Write
`release_decision(checklist, live=None, baseline=None)` returning `(decision, reasons)`:

1. `checklist` maps items to `True`/`False`. If any item of `REQUIRED_CHECKS` (below) is missing or not `True` →
   `("hold", [those items, in the order of REQUIRED_CHECKS])`. This comes first, also after launch.
2. Else, if `live` is `None` or has no requests yet (`live["requests"] == 0`) → `("ship", [])`.
3. Else compare `live` (a `Metrics.snapshot()`) with `baseline` (the same keys, measured before the change) and roll
   back when **any** of these holds, naming each that does, in this order:
   - `"error_rate"`: live error rate above the baseline's **plus 0.02** (2 percentage points);
   - `"p95_ms"`: live p95 above **1.5 ×** the baseline's;
   - `"refusal_rate"`: live refusal rate above the baseline's **plus 0.10**;
   → `("rollback", [names])`. A live value that is `None` triggers nothing.
4. Otherwise `("keep", [])`.
"""

EX4_SOLUTION = '''
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
    return ("rollback", reasons) if reasons else ("keep", [])
    ### END SOLUTION
'''

EX4_TESTS = """
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
lower_base = dict(base, error_rate=0.0, p95_ms=400.0, refusal_rate=0.0)
check_returns(release_decision, all_done, dict(base, error_rate=0.01, p95_ms=500.0, refusal_rate=0.05), lower_base,
              expected=("keep", []), secret=True, hint="compare with the baseline given, not with fixed numbers.")
import random as _random

from shiplab_checks import check_against


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
    return ("rollback", _why) if _why else ("keep", [])


def _releases(seed, n=250):
    rng = _random.Random(seed)
    for _ in range(n):
        checklist = {item: rng.choice([True, True, True, True, False, "yes", 1]) for item in REQUIRED_CHECKS
                     if rng.random() < 0.95}
        if rng.random() < 0.2:
            checklist["extra_item"] = False
        baseline = {"requests": 500, "error_rate": 0.25, "p95_ms": 200, "refusal_rate": 0.2}
        live = rng.choice([None, {"requests": 0, "error_rate": None, "p95_ms": None, "refusal_rate": None},
                           {"requests": rng.randint(1, 50), "error_rate": rng.choice([0.2, 0.26, 0.3, None]),
                            "p95_ms": rng.choice([150, 300, 301, 400, None]),
                            "refusal_rate": rng.choice([0.1, 0.25, 0.35, None])}])
        yield (checklist, live, baseline)


check_against(release_decision, _ref_decision, list(_releases(113)),
              hint="hold for every required item missing or not exactly True (in REQUIRED_CHECKS' order), before "
                   "anything else; ship without live requests; rollback naming each rule broken, in order "
                   "(error rate above baseline + 0.02, p95 above 1.5 x baseline, refusal rate above baseline + "
                   "0.10; a None live value breaks nothing); else keep.")
### END HIDDEN TESTS
"""

PLAN = """
## 5. Your rollback plan, your checklist, your ship plan (20 minutes)

Fill in the cell below for **your own** use case — the one from your backlog you want in production within 60 days
(if you put an export into `~/backlog/`, the next cell lists candidates from it). It is not graded; your team and
the tracker read it.

- **Rollback plan**: what triggers it (the rules of part 4 with your numbers), who decides, how (feature flag,
  previous container image, route back to the manual process), how long it takes, and when you last tried it.
- **Governance checklist**: each item of `REQUIRED_CHECKS`, honestly.
- **Ship plan**: the use case in a sentence, the backlog key, the metric you will move, its **baseline** measured
  today (not guessed), the target, and the planned ship date.
"""

CANDIDATES = """
# Explore: candidates for your ship plan from your own backlog (or the sample company's).
mine = find_user_backlog()
source = "your backlog (~/backlog/)" if mine is not None else "the sample company's backlog (no export in ~/backlog/)"
if mine is None:
    from shiplab.data import load_sample_backlog
    mine = load_sample_backlog("jira")
open_items = [i for i in mine if i.status.lower() not in ("done", "closed", "resolved")]
keywords = re.compile(r"search|find|document|answer|question|triage|classif|extract|duplicate", re.I)
candidates = [i for i in open_items if keywords.search(i.summary)][:8]
print(f"Open items in {source} that look like document, search or triage work:")
for item in candidates:
    print(f"  {item.key:>10}  [{item.type}] {item.summary[:90]}")
"""

MY_PLAN = '''
# Edit me: your plan. (Values below are an example from the sample company.)
ROLLBACK_PLAN = """
Trigger: error rate > baseline + 2 points, p95 > 1.5 x baseline, or refusal rate > baseline + 10 points for 15 min.
Who: the on-call engineer of the claims portal team may roll back without asking; the product owner is told.
How: feature flag `handbook_assistant` off -> the portal shows the search page again (no deploy needed, < 1 min).
Tested: on staging, 2026-11-30, 40 seconds end to end.
"""

CHECKLIST = {
    "data_classified": True,                  # only public + internal documents are indexed
    "personal_data_out_of_logs": True,        # request logs hold lengths and ids, never question text
    "model_approved_for_data_class": True,    # the hub gateway's model is approved for internal data
    "human_fallback": True,                   # "ask a colleague" link on every refusal
    "rollback_tested": True,
    "owner_named": True,
}

SHIP_PLAN = {
    "use_case": "Claims handlers ask the handbook assistant instead of searching the guideline PDFs.",
    "backlog_ref": "NVA-123",
    "metric_name": "median minutes to answer a coverage question",
    "unit": "min",
    "baseline_value": 7.5,
    "target_value": 2.0,
    "planned_ship_date": "2027-01-25",
}
print(release_decision(CHECKLIST))
'''

FILE_PLAN = r'''
# Explore: file the ship plan in the tracker. Uses the tracker's JSON API with your hub token when the hub provides
# it (the token is read from the environment and never printed); otherwise says how to file it by hand.
# A plan you filed before is never changed from here unless you say so:
REPLACE_MY_PLAN = False  # True: replace your first ship plan in the tracker with SHIP_PLAN above
import httpx

tracker = os.environ.get("SHIPLAB_TRACKER_URL", "").rstrip("/")
token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
decision, missing = release_decision(CHECKLIST)
if decision == "hold":
    print("Your checklist is not complete (" + ", ".join(missing) + "): you can still file the plan; the tracker "
          "shows it as planned, and the checklist is what your team reviews before the ship date.")
if SHIP_PLAN.get("use_case", "").startswith("Claims handlers ask the handbook assistant instead of searching"):
    print("SHIP_PLAN still holds the example from the sample company: nothing was filed. Put your own use case, "
          "metric and baseline into SHIP_PLAN in the cell above, run it, then run this cell again.")
elif not tracker or not token:
    print("No tracker here (e.g. while grading, or outside the hub). To file your plan: open the hub's home page, "
          "go to Services -> tracker (/services/tracker/), choose 'New ship plan' and copy these values:")
    print(json.dumps(SHIP_PLAN, indent=2))
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
            print(f"You already have ship plan #{plans[0]}" + (f" ({what!r})" if what else "") + ": nothing was "
                  "changed. To replace it with SHIP_PLAN, set REPLACE_MY_PLAN = True at the top of this cell and run "
                  f"it again; to change it by hand, open {tracker}/plans/{plans[0]}.")
        elif plans:
            r = httpx.put(f"{tracker}/api/plans/{plans[0]}", headers=headers, json=SHIP_PLAN, timeout=10)
            print(f"Replaced your ship plan #{plans[0]} with SHIP_PLAN, as REPLACE_MY_PLAN asked: HTTP {r.status_code}",
                  r.json() if r.status_code < 300 else r.text[:300])
        else:
            r = httpx.post(f"{tracker}/api/plans", headers=headers, json=SHIP_PLAN, timeout=10)
            print(f"Filed your ship plan: HTTP {r.status_code}", r.json() if r.status_code < 300 else r.text[:300])
    except httpx.HTTPError as exc:
        print(f"Could not reach the tracker at {tracker} ({type(exc).__name__}); file the plan on its page instead.")
'''

WRAP_UP = """
## Done

You have a service with a contract and tests that catch it breaking, logs without personal data, metrics with a
rollback rule, a checklist, and a ship plan with a measured baseline. The tracker will ask you in 30 and 60 days
whether it shipped.

Press *Validate*, then submit in the *Assignments* tab.
"""

CELLS = [
    text("intro", INTRO),
    code("setup", SETUP),
    text("ex1_text", EX1),
    solution("metrics", EX1_SOLUTION),
    tests("test_metrics", EX1_TESTS, points=3),
    text("ex2_text", EX2),
    solution("create_app", EX2_SOLUTION),
    code("service_helpers", EX2_HELPERS),
    tests("test_create_app_contract", EX2_TESTS_CONTRACT, points=2),
    tests("test_create_app_errors", EX2_TESTS_ERRORS, points=2),
    tests("test_create_app_logs_metrics", EX2_TESTS_OBSERVE, points=2),
    free("try_service", TRY_SERVICE),
    text("ex3_text", EX3),
    solution("check_service", EX3_SOLUTION),
    tests("test_check_service", EX3_TESTS, points=3),
    free("pytest_suite", PYTEST),
    text("ex4_text", EX4),
    solution("release_decision", EX4_SOLUTION),
    tests("test_release_decision", EX4_TESTS, points=3),
    text("plan_text", PLAN),
    free("candidates", CANDIDATES),
    free("my_plan", MY_PLAN),
    free("file_plan", FILE_PLAN),
    text("wrap_up", WRAP_UP),
]

if __name__ == "__main__":
    main(__file__, CELLS)
