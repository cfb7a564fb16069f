"""What a notebook service lacks before it may face users: who may ask, what they may read, how long the model may
take, and a switch back to the previous version that needs no deploy.

- **Bearer tokens** (``ASSISTANT_TOKENS``: a JSON object ``{"<token>": {"user": "anna", "clearance":
  "internal"}}``, or the path of a file holding it): every ``/ask`` needs ``Authorization: Bearer <token>``;
  anything else is a ``401`` in the service's own error shape, with a request id, and never reaches the chain.
  ``/feedback`` needs the same token (:mod:`assistant.feedback`).
  ``/health`` and ``/metrics`` stay open (your platform's probes read them; keep ``/metrics`` on the internal
  network).
- **Clearance**: the token's clearance is put in :data:`CLEARANCE` for the request, and the answer function reads
  it to build the retriever with ``where=allowed_filter(clearance)`` — a user never gets an answer from a document
  above their clearance, whatever they ask.
- **Timeout**: :func:`with_timeout` bounds a call (the model's); past it a :class:`ModelTimeout` is raised, which
  your ``create_app`` turns into its 503.
- **Feature flag** (:class:`Flags`, a small JSON file re-read on every request): ``"assistant": true`` answers with
  your chain, ``false`` with the previous version (:mod:`assistant.fallback`). Rolling back is
  ``python -m assistant.production flag assistant off`` — effective on the next request, no deploy. Every ``/ask``
  response says which version answered in ``X-Assistant-Version``.
- **Cost budget** (``ASSISTANT_MAX_COST_PER_REQUEST``, in the currency of ``ASSISTANT_PRICES``): :func:`cost_budget`
  compares the p95 cost per answered request with it — over it, ``hold`` (do not roll out further until it is
  cheaper). ``/metrics`` reports it (``cost_budget``, with cost, tokens and feedback: :class:`ServiceMetrics`);
  ``python -m assistant.production budget [traces.jsonl]`` prints it from the trace file, e.g. ``p95 cost 0.0031 >
  budget 0.002: hold``.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import hmac
import json
import math
import os
import sys
import threading
import uuid
from collections import deque
from pathlib import Path

CLEARANCE: contextvars.ContextVar[str | None] = contextvars.ContextVar("clearance", default=None)
USER: contextvars.ContextVar[str | None] = contextvars.ContextVar("user", default=None)
VERSION: contextvars.ContextVar[str] = contextvars.ContextVar("version", default="chain")
CLEARANCES = ("public", "internal", "confidential", "restricted")
PROTECTED = ("/ask", "/feedback")


class ConfigProblem(ValueError):
    """A setting the service cannot start with; the message says which and how to fix it."""


def load_tokens(raw: str) -> dict[str, dict]:
    """``ASSISTANT_TOKENS`` (JSON, or a path to a JSON file) checked: token -> {"user", "clearance"}."""
    raw = (raw or "").strip()
    if raw and not raw.startswith("{"):
        raw = Path(raw).read_text(encoding="utf-8")
    try:
        tokens = json.loads(raw) if raw else {}
    except ValueError as exc:
        raise ConfigProblem(f"ASSISTANT_TOKENS is not JSON ({exc}); write {{\"<token>\": {{\"user\": \"anna\", "
                            "\"clearance\": \"internal\"}}") from None
    if not isinstance(tokens, dict) or not tokens:
        raise ConfigProblem("ASSISTANT_TOKENS holds no token: without one nobody can ask. Generate one with "
                            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`.")
    for token, who in tokens.items():
        if len(token) < 16:
            raise ConfigProblem("a token in ASSISTANT_TOKENS is shorter than 16 characters: use secrets.token_urlsafe.")
        if not isinstance(who, dict) or who.get("clearance") not in CLEARANCES or not who.get("user"):
            raise ConfigProblem(f"ASSISTANT_TOKENS: each token needs a user and a clearance out of {CLEARANCES}.")
    return tokens


class Flags:
    """Feature flags in a JSON file, re-read when it changes: flipping one needs no restart and no deploy."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._seen: tuple[float, dict] | None = None

    def read(self) -> dict:
        try:
            mtime = self.path.stat().st_mtime_ns
        except OSError:
            return {}
        if self._seen is None or self._seen[0] != mtime:
            try:
                self._seen = (mtime, json.loads(self.path.read_text(encoding="utf-8")))
            except ValueError:
                return self._seen[1] if self._seen else {}  # a half-written file: keep what was read before
        return self._seen[1]

    def enabled(self, name: str, default: bool = True) -> bool:
        return bool(self.read().get(name, default))

    def set(self, name: str, value: bool) -> None:
        flags = dict(self.read(), **{name: bool(value)})
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(flags, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a request never reads half a file


class ProductionGate:
    """ASGI middleware: bearer token on the protected paths, the caller's clearance and the flag's version for the
    request, and ``X-Assistant-Version`` on the answer."""

    def __init__(self, app, tokens: dict[str, dict], flags: Flags, flag: str = "assistant"):
        self.app, self.tokens, self.flags, self.flag = app, tokens, flags, flag

    def _who(self, headers) -> dict | None:
        value = dict(headers).get(b"authorization", b"").decode("latin-1")
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        found = None
        for known, who in self.tokens.items():  # compare every token in constant time
            if hmac.compare_digest(known.encode(), token.strip().encode()):
                found = who
        return found

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] not in PROTECTED:
            return await self.app(scope, receive, send)
        who = self._who(scope.get("headers", []))
        if who is None:
            rid = uuid.uuid4().hex
            body = json.dumps({"error": {"code": "unauthorized", "request_id": rid, "message":
                                         "send Authorization: Bearer <your token> with every /ask and /feedback request"}}).encode()
            await send({"type": "http.response.start", "status": 401, "headers": [
                (b"content-type", b"application/json"), (b"www-authenticate", b"Bearer"),
                (b"x-request-id", rid.encode()), (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        version = "chain" if self.flags.enabled(self.flag) else "fallback"
        tokens = (CLEARANCE.set(who["clearance"]), USER.set(who["user"]), VERSION.set(version))

        async def send_with_version(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) +
                               [(b"x-assistant-version", version.encode())])
            await send(message)

        try:
            await self.app(scope, receive, send_with_version)
        finally:
            for var, token in zip((CLEARANCE, USER, VERSION), tokens):
                var.reset(token)


class ModelTimeout(TimeoutError):
    """The model did not answer in time (your create_app answers 503)."""


_POOL = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="model")


def with_timeout(fn, seconds: float):
    """``fn`` bounded to ``seconds``: its result, or :class:`ModelTimeout` (the call is left to finish in the
    background; give the model client its own timeout too, so it does not hold a thread for long)."""
    def call(*args, **kwargs):
        future = _POOL.submit(contextvars.copy_context().run, fn, *args, **kwargs)
        try:
            return future.result(timeout=seconds)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise ModelTimeout(f"the model did not answer within {seconds} s") from None
    return call


def nearest_rank(values, p: float):
    """The p-th percentile by nearest rank (as your Metrics), or None without values."""
    ordered = sorted(values)
    return ordered[math.ceil(p / 100 * len(ordered)) - 1] if ordered else None


def load_budget(raw: str) -> float | None:
    """``ASSISTANT_MAX_COST_PER_REQUEST``: a number >= 0, or None when unset."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        budget = float(raw)
    except ValueError:
        budget = -1.0
    if not budget >= 0:
        raise ConfigProblem(f"ASSISTANT_MAX_COST_PER_REQUEST must be a number >= 0 (e.g. 0.002), not {raw!r}.")
    return budget


def cost_budget(p95: float | None, budget: float | None) -> dict:
    """The cost rule of the release decision: p95 cost per request over the budget -> ``hold``."""
    if budget is None:
        return {"max_per_request": None, "p95": p95, "status": "not set", "decision": None,
                "says": "no budget: set ASSISTANT_MAX_COST_PER_REQUEST (e.g. 0.002)"}
    if p95 is None:
        return {"max_per_request": budget, "p95": None, "status": "no data", "decision": None,
                "says": f"no priced answer yet (budget {budget:g})"}
    over = p95 > budget
    return {"max_per_request": budget, "p95": p95, "status": "over" if over else "under",
            "decision": "hold" if over else "ok",
            "says": f"p95 cost {p95:.4g} {'>' if over else '<='} budget {budget:g}: {'hold' if over else 'ok'}"}


class ServiceMetrics:
    """Your Metrics, with what production adds to ``/metrics``: cost per answered request (p50/p95 over the last
    ``window``, total since start), tokens, feedback, and the cost budget."""

    def __init__(self, metrics, feedback=None, budget: float | None = None, window: int = 10_000):
        self.metrics, self.feedback, self.budget = metrics, feedback, budget
        self.costs: deque[float] = deque(maxlen=window)
        self.total_cost, self.unpriced, self.input_tokens, self.output_tokens = 0.0, 0, 0, 0
        self._lock = threading.Lock()

    def __getattr__(self, name):  # anything else your Metrics has
        if name == "metrics":
            raise AttributeError(name)
        return getattr(self.metrics, name)

    def observe(self, *args, **kwargs):
        return self.metrics.observe(*args, **kwargs)

    def record(self, trace: dict) -> None:
        """One answered request's trace summary (:meth:`assistant.tracing.Trace.summary`)."""
        with self._lock:
            self.input_tokens += trace["tokens"]["input"]
            self.output_tokens += trace["tokens"]["output"]
            if trace["cost"] is None:
                self.unpriced += 1
            else:
                self.costs.append(trace["cost"])
                self.total_cost += trace["cost"]

    def snapshot(self) -> dict:
        with self._lock:
            costs, total, unpriced = list(self.costs), self.total_cost, self.unpriced
            tokens = {"input": self.input_tokens, "output": self.output_tokens}
        p95 = nearest_rank(costs, 95)
        return {**self.metrics.snapshot(),
                "cost_per_request": {"p50": nearest_rank(costs, 50), "p95": p95, "total": round(total, 8),
                                     "priced": len(costs), "unpriced": unpriced},
                "tokens": tokens,
                "feedback": self.feedback.snapshot() if self.feedback is not None else None,
                "cost_budget": cost_budget(p95, self.budget)}


def budget_from_traces(path: str | os.PathLike, budget: float | None) -> tuple[dict, int]:
    """The cost rule over a trace file (``ASSISTANT_TRACES``): the answered requests' costs; and how many had none."""
    costs, unpriced = [], 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            try:
                trace = json.loads(line)
            except ValueError:
                continue  # a line cut off mid-write
            if not isinstance(trace, dict) or trace.get("status") != 200:
                continue
            if trace.get("cost") is None:
                unpriced += 1
            else:
                costs.append(float(trace["cost"]))
    return cost_budget(nearest_rank(costs, 95), budget), unpriced


USAGE = """usage: python -m assistant.production flag <name> on|off   (file: $ASSISTANT_FLAGS or flags.json)
       python -m assistant.production budget [traces.jsonl]  (budget: $ASSISTANT_MAX_COST_PER_REQUEST; file:
                                                              $ASSISTANT_TRACES or traces.jsonl)"""


def _cli(argv: list[str]) -> int:
    """``flag <name> on|off`` — the rollback (and the roll forward); ``budget`` — the cost rule (exit 1: hold)."""
    if argv[:1] == ["budget"] and len(argv) <= 2:
        path = argv[1] if len(argv) == 2 else os.environ.get("ASSISTANT_TRACES") or "traces.jsonl"
        try:
            rule, unpriced = budget_from_traces(path, load_budget(os.environ.get("ASSISTANT_MAX_COST_PER_REQUEST", "")))
        except OSError:
            print(f"no trace file at {path}: start the service with ASSISTANT_TRACES={path}, or name the file")
            return 2
        except ConfigProblem as problem:
            print(problem)
            return 2
        print(rule["says"] + (f" ({unpriced} answers without a price: add their model to ASSISTANT_PRICES)"
                              if unpriced else ""))
        return {"hold": 1, "ok": 0}.get(rule["decision"], 2)
    if len(argv) != 3 or argv[0] != "flag" or argv[2] not in ("on", "off"):
        print(USAGE)
        return 2
    flags = Flags(os.environ.get("ASSISTANT_FLAGS", "flags.json"))
    flags.set(argv[1], argv[2] == "on")
    print(f"{argv[1]} is {argv[2]} in {flags.path} (effective on the next request)")
    return 0


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))
