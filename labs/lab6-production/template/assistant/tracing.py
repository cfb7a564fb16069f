"""Where each ``/ask`` spent its time and what it cost: one trace per request, one span per step, standard library
only.

- **Trace**: its id is the request id the service returns (``X-Request-ID``); its spans are the steps in the order
  they ran — ``retrieval``, ``gate`` (your ``should_refuse``), ``model``, ``post_check`` (your ``check_answer``) —
  each ``{"name", "start", "duration_ms", "attributes"}``. A step that raised has ``"error": <the exception's
  type>`` (never its message: messages carry paths and secrets).
- **Tokens**: the model span carries the OpenTelemetry GenAI semantic-convention attributes
  ``gen_ai.request.model``, ``gen_ai.usage.input_tokens`` and ``gen_ai.usage.output_tokens`` — the model's own
  count when its LangChain message reports one (``usage_metadata``, or ``response_metadata``'s ``token_usage`` /
  ``usage``), else an estimate (4 characters a token) marked ``"estimated": true``.
- **Cost**: from the price table the operator sets, ``ASSISTANT_PRICES`` (JSON, or the path of a JSON file):
  ``{"<model>": {"input_per_1k": 0.0005, "output_per_1k": 0.0015}}``, in your currency per 1,000 tokens. The
  course's ``local`` model costs 0; a model without a price has cost ``null`` and a ``cost_note`` saying so.
- **Where spans go**: into the request's one JSON log line, under ``"trace"`` (:class:`TraceLog` adds it to the
  line your ``create_app`` writes), and, when ``ASSISTANT_TRACES`` names a file, one JSON line per trace there.
  No question, prompt, answer, header or token is ever put in a span: counts, scores and names only.

Nothing here changes your lab-5 code: :mod:`assistant.main` wraps the retriever and the model it passes to your
``answer``, and :func:`trace_steps` wraps your chain's ``should_refuse`` and ``check_answer`` where it calls them.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import json
import logging
import math
import threading
from pathlib import Path
from time import perf_counter

from assistant.production import ConfigProblem

INPUT_TOKENS, OUTPUT_TOKENS = "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens"
REQUEST_MODEL, RESPONSE_MODEL = "gen_ai.request.model", "gen_ai.response.model"
DEFAULT_PRICES = {"local": {"input_per_1k": 0.0, "output_per_1k": 0.0}}  # the course's model runs on your machines


class Trace:
    """The spans of one request, in the order they started."""

    def __init__(self):
        self.id: str | None = None
        self.spans: list[dict] = []

    @contextlib.contextmanager
    def span(self, name: str, **attributes):
        """Time the block as a span; the block may add attributes to the dict it gets."""
        record = {"name": name, "start": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
                  "duration_ms": None, "attributes": attributes}
        self.spans.append(record)
        started = perf_counter()
        try:
            yield attributes
        except BaseException as exc:
            attributes["error"] = type(exc).__name__
            raise
        finally:
            record["duration_ms"] = round((perf_counter() - started) * 1000, 3)

    def summary(self) -> dict:
        """The trace as it is logged: id, spans, tokens and cost of the request (``cost`` None: a model unpriced)."""
        models = [s["attributes"] for s in self.spans if s["name"] == "model" and INPUT_TOKENS in s["attributes"]]
        costs = [m.get("cost") for m in models]
        summary = {"trace_id": self.id, "spans": self.spans,
                   "tokens": {"input": sum(m[INPUT_TOKENS] for m in models),
                              "output": sum(m[OUTPUT_TOKENS] for m in models),
                              "estimated": any(m.get("estimated") for m in models)},
                   "cost": None if None in costs else round(sum(costs), 8)}
        notes = [m["cost_note"] for m in models if m.get("cost_note")]
        if notes:
            summary["cost_note"] = notes[0]
        return summary


TRACE: contextvars.ContextVar[Trace | None] = contextvars.ContextVar("trace", default=None)


def span(name: str, **attributes):
    """A span in the current request's trace (outside a request: timed, and kept nowhere)."""
    return (TRACE.get() or Trace()).span(name, **attributes)


# ---- tokens and cost
def load_prices(raw: str) -> dict[str, dict]:
    """``ASSISTANT_PRICES`` (JSON, or a path to a JSON file) checked, over :data:`DEFAULT_PRICES`."""
    raw = (raw or "").strip()
    if raw and raw[0] not in "{[":
        try:
            raw = Path(raw).read_text(encoding="utf-8")
        except OSError:
            raise ConfigProblem(f"ASSISTANT_PRICES is neither JSON nor a file that can be read: {raw!r}") from None
    try:
        prices = json.loads(raw) if raw else {}
    except ValueError as exc:
        raise ConfigProblem(f"ASSISTANT_PRICES is not JSON ({exc}); write {{\"<model>\": {{\"input_per_1k\": "
                            "0.0005, \"output_per_1k\": 0.0015}}}}") from None
    if not isinstance(prices, dict):
        raise ConfigProblem("ASSISTANT_PRICES: a JSON object of model name -> its prices per 1,000 tokens.")
    for model, price in prices.items():
        if not isinstance(price, dict) or not all(
                isinstance(price.get(k), (int, float)) and not isinstance(price.get(k), bool) and price[k] >= 0
                for k in ("input_per_1k", "output_per_1k")):
            raise ConfigProblem(f"ASSISTANT_PRICES[{model!r}]: give input_per_1k and output_per_1k, numbers >= 0.")
    return {**DEFAULT_PRICES, **prices}


def cost_of(prices: dict, model: str, input_tokens: int, output_tokens: int) -> tuple[float | None, str | None]:
    """(cost, None), or (None, why) for a model the price table does not know."""
    price = prices.get(model)
    if price is None:
        return None, f"no price for model {model!r} in ASSISTANT_PRICES"
    return round(input_tokens / 1000 * price["input_per_1k"] + output_tokens / 1000 * price["output_per_1k"], 8), None


def estimate_tokens(text: str) -> int:
    """About 4 characters a token (English prose, common tokenizers): for when the model reports no usage."""
    return math.ceil(len(text) / 4) if text else 0


def _text(value) -> str:
    if hasattr(value, "to_string"):  # a PromptValue
        return value.to_string()
    if isinstance(value, list):  # chat messages
        return "\n".join(_text(m) for m in value)
    content = getattr(value, "content", value)
    return content if isinstance(content, str) else str(content)


def reported_usage(message) -> tuple[int, int] | None:
    """(input, output) tokens as the model reported them in its LangChain message, or None."""
    usage = getattr(message, "usage_metadata", None) or {}
    if usage.get("input_tokens") is not None:
        return int(usage["input_tokens"]), int(usage.get("output_tokens") or 0)
    meta = getattr(message, "response_metadata", None) or {}
    usage = meta.get("token_usage") or meta.get("usage") or {}
    for given, made in (("prompt_tokens", "completion_tokens"), ("input_tokens", "output_tokens")):
        if usage.get(given) is not None:
            return int(usage[given]), int(usage.get(made) or 0)
    return None


def traced_model(invoke, model: str, prices: dict):
    """``invoke`` (the model call) as a ``model`` span with its tokens and cost."""
    def call(prompt, *args, **kwargs):
        with span("model", **{"gen_ai.operation.name": "chat", REQUEST_MODEL: model}) as attributes:
            message = invoke(prompt, *args, **kwargs)
            meta = getattr(message, "response_metadata", None) or {}
            if meta.get("model_name") or meta.get("model"):
                attributes[RESPONSE_MODEL] = str(meta.get("model_name") or meta.get("model"))
            usage = reported_usage(message)
            estimated = usage is None
            if estimated:
                usage = estimate_tokens(_text(prompt)), estimate_tokens(_text(message))
            attributes.update({INPUT_TOKENS: usage[0], OUTPUT_TOKENS: usage[1], "estimated": estimated})
            attributes["cost"], note = cost_of(prices, model, *usage)
            if note:
                attributes["cost_note"] = note
        return message
    return call


# ---- the other steps
def traced_retriever(retriever):
    """The retriever as a ``retrieval`` span (a Runnable still: ``.invoke`` and ``|`` work as before)."""
    from langchain_core.runnables import RunnableLambda

    def retrieve(question):
        with span("retrieval") as attributes:
            hits = retriever.invoke(question)
            scores = [h.metadata.get("score") for h in hits if isinstance(h.metadata.get("score"), (int, float))]
            attributes.update(chunks=len(hits), top_score=round(max(scores), 4) if scores else None)
        return hits
    return RunnableLambda(retrieve, name="retrieval")


STEPS = {"should_refuse": ("gate", lambda result: {"refused": bool(result)}),
         "check_answer": ("post_check", lambda result: {"grounded": bool(getattr(result, "grounded", result))})}


def trace_steps(chain_module) -> list[str]:
    """Wrap, in place, the steps your chain module calls by name (``should_refuse``, ``check_answer``) as spans;
    safe to re-run. Returns the names traced (a chain without one simply has no span for it)."""
    traced = []
    for name, (span_name, describe) in STEPS.items():
        fn = getattr(chain_module, name, None)
        if not callable(fn):
            continue
        if not getattr(fn, "traced", False):
            setattr(chain_module, name, _step(span_name, fn, describe))
        traced.append(name)
    return traced


def _step(name, fn, describe):
    @functools.wraps(fn)
    def step(*args, **kwargs):
        with span(name) as attributes:
            result = fn(*args, **kwargs)
            attributes.update(describe(result))
        return result
    step.traced = True
    return step


# ---- where traces go
class TraceLog(logging.LoggerAdapter):
    """Your logger, with the request's trace added (under ``"trace"``) to the JSON line your create_app writes."""

    def __init__(self, logger):
        super().__init__(logger, {})

    def log(self, level, msg, *args, **kwargs):
        trace = TRACE.get()
        if trace is not None and isinstance(msg, str):
            try:
                record = json.loads(msg % args if args else msg)
            except (TypeError, ValueError):
                record = None
            if isinstance(record, dict):
                trace.id = trace.id or (str(record["request_id"]) if record.get("request_id") else None)
                msg, args = json.dumps({**record, "trace": trace.summary()}), ()
        self.logger.log(level, msg, *args, **kwargs)


class TraceFile:
    """One JSON line per trace, appended to ``path`` (``ASSISTANT_TRACES``): what a collector ships onwards."""

    def __init__(self, path: str | Path):
        self.path, self._lock = Path(path), threading.Lock()

    def write(self, record: dict) -> None:
        line = json.dumps(record) + "\n"
        with self._lock, open(self.path, "a", encoding="utf-8") as out:
            out.write(line)


class Tracer:
    """ASGI middleware: a :class:`Trace` for every ``/ask``; when the response has gone, ``finished(trace,
    status)`` (the trace's id is the response's ``X-Request-ID``)."""

    def __init__(self, app, finished):
        self.app, self.finished = app, finished

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] != "/ask":
            return await self.app(scope, receive, send)
        trace, status = Trace(), None
        reset = TRACE.set(trace)

        async def watch(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                request_id = dict(message.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
                trace.id = trace.id or request_id or None
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            TRACE.reset(reset)
            self.finished(trace, status)
