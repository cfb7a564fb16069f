"""The gateway's web service: OpenAI-compatible endpoints behind hub tokens, the policy and the budgets.

Requests carry the participant's hub token (``Authorization: Bearer …`` as OpenAI clients send it, or
``token …``). Optional headers say what is being sent: ``X-Shiplab-Data-Class`` (public … restricted) and
``X-Shiplab-Use-Case``. The gateway also *detects* personal data itself and takes the higher class. Errors use one
shape, ``{"error": {"type", "code", "message"}}``, as OpenAI clients expect; none carries a token or a traceback.
A chat request the local model could not answer within the time its client waits (``X-Shiplab-Max-Wait``) is a
503 ``busy`` that also carries ``queue_position`` and ``expected_wait_s`` (and ``Retry-After``); a request whose
client went away is dropped (:mod:`shiplab.gateway.queue`). The root and ``/usage`` are pages for people
(:mod:`shiplab.gateway.pages`).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from shiplab.data import pii
from shiplab.data.classify import higher
from shiplab.gateway.policy import Policy
from shiplab.gateway.queue import Busy, ClientGone, FairQueue
from shiplab.gateway.usage import Budget, UsageLog

log = logging.getLogger("shiplab.gateway")


# Chat defaults for the small local models: an answer of a few sentences (a 270M model asked for more mostly
# repeats itself, and every token is the next participant's wait), and a hard cap on what one request may ask.
DEFAULT_MAX_TOKENS = 128
MAX_TOKENS_CAP = 1024
# How long a request may wait for the local model when its client does not say (X-Shiplab-Max-Wait).
DEFAULT_MAX_WAIT = 300.0


class GatewayError(Exception):
    def __init__(self, status: int, code: str, message: str, *, extra: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.extra, self.headers = extra or {}, headers or {}


@dataclass
class Backends:
    embedder: Any = None  # .embed(texts) -> vectors ; .model_name
    llm: Any = None  # .complete(messages, max_tokens, temperature) -> dict ; .model_name
    external: dict[str, Any] = field(default_factory=dict)  # provider name -> ExternalProvider
    llm_error: str = ""  # why the configured local chat model is not loaded (e.g. its package is missing)


class EmbeddingBatcher:
    """Requests arriving within a few milliseconds are embedded in one model call."""

    def __init__(self, embed: Callable[[list[str]], list], window: float = 0.005, max_texts: int = 256):
        self.embed, self.window, self.max_texts = embed, window, max_texts
        self._pending: list[tuple[list[str], asyncio.Future]] = []
        self._flush: asyncio.Task | None = None

    async def __call__(self, texts: list[str]) -> list:
        fut = asyncio.get_running_loop().create_future()
        self._pending.append((texts, fut))
        if sum(len(t) for t, _ in self._pending) >= self.max_texts:
            await self._run()
        elif self._flush is None or self._flush.done():
            self._flush = asyncio.create_task(self._later())
        return await fut

    async def _later(self) -> None:
        await asyncio.sleep(self.window)
        await self._run()

    async def _run(self) -> None:
        batch, self._pending = self._pending, []
        # requests arriving while this batch is embedded must schedule a flush of their own
        self._flush = None
        if not batch:
            return
        flat = [t for texts, _ in batch for t in texts]
        try:
            vectors = await asyncio.to_thread(self.embed, flat)
        except Exception as exc:
            for _, fut in batch:
                fut.set_exception(exc)
            return
        i = 0
        for texts, fut in batch:
            fut.set_result(vectors[i:i + len(texts)])
            i += len(texts)


def create_app(policy: Policy, usage: UsageLog, backends: Backends, budget: Budget,
               identify: Callable[[Request], str], viewers: Any = None, *, max_wait: float = DEFAULT_MAX_WAIT,
               queue: FairQueue | None = None) -> FastAPI:
    """``identify(request)`` returns the hub user name or raises GatewayError(401/403) — the hub check in
    production (:mod:`shiplab.gateway.hubauth`), an injected identity in in-process tests. ``viewers`` (a
    :class:`shiplab.gateway.instructors.Viewers`) enables the instructors' usage view and the participants' own
    usage page in a browser. ``max_wait``: the longest a chat request waits for the local model (a client may ask
    for less with ``X-Shiplab-Max-Wait``); a longer expected wait is answered at once with 503 ``busy``."""
    app = FastAPI(title="shiplab model gateway", version="1",
                  description="OpenAI-compatible embeddings and chat completions under the governance policy.")
    queue = queue or FairQueue()
    batcher = EmbeddingBatcher(backends.embedder.embed) if backends.embedder else None

    @app.exception_handler(GatewayError)
    async def _gateway_error(_request: Request, exc: GatewayError):
        return JSONResponse({"error": {"type": "shiplab_gateway", "code": exc.code, "message": exc.message,
                                       **exc.extra}}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):  # the one error shape, and where to go
        if exc.status_code != 404:
            return JSONResponse({"error": {"type": "shiplab_gateway", "code": "http_error", "message": str(
                exc.detail)}}, status_code=exc.status_code)
        root = request.scope.get("root_path", "").rstrip("/")
        return JSONResponse({"error": {"type": "shiplab_gateway", "code": "not_found", "message": (
            f"the gateway has nothing at {request.url.path}. It serves {root}/v1/models, {root}/v1/embeddings and "
            f"{root}/v1/chat/completions; what it is, your usage and its policy are on {root}/ .")}},
            status_code=404)

    @app.exception_handler(Exception)
    async def _bug(_request: Request, exc: Exception):  # never a traceback or a token in a response
        log.exception("gateway error")
        return JSONResponse({"error": {"type": "server_error", "code": "internal",
                                       "message": "the gateway failed; the error is in its log."}}, status_code=500)

    def who(request: Request) -> str:
        return identify(request)

    def govern(request: Request, user: str, provider: str, texts: list[str], kind: str, model: str,
               tokens_wanted: int) -> tuple[list[str], dict]:
        declared = request.headers.get("x-shiplab-data-class", "internal").strip().lower()
        detected = "restricted" if any(pii.detect(t) for t in texts) else "public"
        data_class = higher(declared if declared in ("public", "internal", "confidential", "restricted")
                            else "restricted", detected)
        decision = policy.decide(provider, data_class, request.headers.get("x-shiplab-use-case", ""))
        if decision.action == "refuse":
            usage.record(user, provider, model, kind, 0, "refuse", decision.rule)
            raise GatewayError(403, "policy_refused", decision.message)
        reason = usage.over_budget(user, budget, tokens_wanted, kind)
        if reason:
            usage.record(user, provider, model, kind, 0, "over-budget", "budget")
            raise GatewayError(429, "budget_exhausted", f"{user}: {reason} It resets at midnight UTC; ask an "
                                                        "instructor if you need more.")
        if decision.action == "redact":
            texts = [pii.redact(t) for t in texts]
        headers = {"x-shiplab-decision": decision.action, "x-shiplab-rule": decision.rule}
        if decision.human_review:
            headers["x-shiplab-human-review"] = "required"
        return texts, headers

    @app.get("/v1/models")
    def models(user: str = Depends(who)):
        data = []
        if backends.embedder:
            data.append({"id": backends.embedder.model_name, "object": "model", "owned_by": "local"})
        if backends.llm:
            data.append({"id": backends.llm.model_name, "object": "model", "owned_by": "local"})
        data += [{"id": f"{name}/{p.model}", "object": "model", "owned_by": name} for name, p in backends.external.items()]
        return {"object": "list", "data": data}

    @app.post("/v1/embeddings")
    async def embeddings(request: Request, user: str = Depends(who)):
        body = await _json(request)
        raw = body.get("input")
        texts = [raw] if isinstance(raw, str) else raw
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise GatewayError(400, "bad_input", "'input' must be a string or a non-empty list of strings.")
        if len(texts) > 2048:
            raise GatewayError(400, "too_many_inputs", "at most 2,048 texts per request; send batches.")
        if backends.embedder is None:
            raise GatewayError(503, "no_model", "no embedding model is loaded on this gateway.")
        tokens = sum(max(1, len(t) // 4) for t in texts)
        texts, headers = govern(request, user, "local", texts, "embeddings", backends.embedder.model_name, tokens)
        vectors = await batcher(texts)
        usage.record(user, "local", backends.embedder.model_name, "embeddings", tokens, headers["x-shiplab-decision"])
        return JSONResponse({"object": "list", "model": backends.embedder.model_name,
                             "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
                             "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}, headers=headers)

    @app.post("/v1/chat/completions")
    async def chat(request: Request, user: str = Depends(who)):
        body = await _json(request)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages or not all(
                isinstance(m, dict) and isinstance(m.get("content"), str) for m in messages):
            raise GatewayError(400, "bad_input", "'messages' must be a non-empty list of {role, content} objects.")
        requested = str(body.get("model") or "")
        provider, backend = "local", backends.llm
        if "/" in requested:  # "<provider>/<model>": an external provider the hub's settings configure
            provider = requested.split("/", 1)[0]
            if provider not in backends.external:
                served = [f"{name}/{p.model}" for name, p in backends.external.items()]
                if backends.llm is not None:
                    served.insert(0, f"local ({backends.llm.model_name})")
                raise GatewayError(404, "model_not_found", f"this gateway has no provider {provider!r}, so it cannot "
                                   f"serve {requested[:80]!r}. It serves: {', '.join(served) or 'nothing'}. Ask the "
                                   "hub's operator to add the provider (gateway.external_providers), or leave "
                                   "'model' out for the local model.")
            backend = backends.external[provider]
        if backend is None:
            raise GatewayError(503, "no_model", backends.llm_error or "no chat model is loaded on this gateway.")
        # a bare name (an OpenAI client's default "gpt-3.5-turbo", "local", …) is the local model: answered and
        # logged under the model that really answered, never under the name asked for
        model = requested if provider != "local" else backend.model_name
        max_tokens = min(_int(body.get("max_tokens"), "max_tokens") or DEFAULT_MAX_TOKENS, MAX_TOKENS_CAP)
        stop = body.get("stop") or []
        stop = [stop] if isinstance(stop, str) else stop
        if not isinstance(stop, list) or len(stop) > 4 or not all(isinstance(s, str) and s for s in stop):
            raise GatewayError(400, "bad_input", "'stop' must be a string or a list of at most 4 non-empty strings.")
        texts = [m["content"] for m in messages]
        wanted = sum(len(t) // 4 for t in texts) + max_tokens
        texts, headers = govern(request, user, provider, texts, "chat", model, wanted)
        messages = [{**m, "content": t} for m, t in zip(messages, texts)]
        try:
            ahead = queue.admit(user, _max_wait(request, max_wait))
        except Busy as busy:
            log.info("busy: %s asked with %d ahead (about %.0f s)", user, busy.ahead, busy.expected_wait)
            raise GatewayError(503, "busy", str(busy), extra={"queue_position": busy.ahead + 1,
                                                              "expected_wait_s": round(busy.expected_wait, 1)},
                               headers={"Retry-After": str(busy.retry_after)}) from None
        temperature = float(body.get("temperature") or 0.0)
        cancellable = _takes_cancel(backend.complete)

        def job(cancel):
            more = {"cancel": cancel} if cancellable else {}
            return backend.complete(messages, max_tokens=max_tokens, stop=stop, temperature=temperature, **more)

        queued_at = asyncio.get_running_loop().time()
        try:
            out = await queue.run(user, job, gone=request.is_disconnected)
        except ClientGone:
            log.info("dropped: %s went away after %.1f s with %d ahead", user,
                     asyncio.get_running_loop().time() - queued_at, ahead)
            return Response(status_code=499)  # nobody reads it: the connection is gone
        headers["x-shiplab-queue-position"] = str(ahead + 1)
        headers["x-shiplab-queue-wait"] = f"{asyncio.get_running_loop().time() - queued_at:.1f}"
        total = out["prompt_tokens"] + out["completion_tokens"]
        usage.record(user, provider, model, "chat", total, headers["x-shiplab-decision"])
        return JSONResponse({"id": "chatcmpl-shiplab", "object": "chat.completion",
                             "model": model,
                             "choices": [{"index": 0, "finish_reason": out["finish_reason"],
                                          "message": {"role": "assistant", "content": out["text"]}}],
                             "usage": {"prompt_tokens": out["prompt_tokens"],
                                       "completion_tokens": out["completion_tokens"], "total_tokens": total}},
                            headers=headers)

    @app.get("/health")
    def health():
        return {"ok": True, "embeddings": bool(backends.embedder), "chat": bool(backends.llm),
                "chat_queue": queue.snapshot()}

    from shiplab.gateway.pages import add_person_pages

    add_person_pages(app, usage=usage, budget=budget, policy=policy, backends=backends, queue=queue,
                     identify=identify, viewers=viewers)
    if viewers is not None:
        from shiplab.gateway.instructors import add_instructor_view

        add_instructor_view(app, usage, budget, viewers)
    return app


def _int(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise GatewayError(400, "bad_input", f"'{name}' must be a positive whole number.")
    return int(value)


def _max_wait(request: Request, limit: float) -> float:
    """How long this request may wait: the client's ``X-Shiplab-Max-Wait`` (seconds), never more than ``limit``."""
    raw = request.headers.get("x-shiplab-max-wait", "")
    try:
        asked = float(raw)
    except ValueError:
        return limit
    return min(limit, asked) if asked > 0 else limit


def _takes_cancel(fn: Callable) -> bool:
    """Does a backend's ``complete`` accept ``cancel=`` (a threading.Event set when the client goes away)?"""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "cancel" or p.kind is p.VAR_KEYWORD for p in params)


async def _json(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        raise GatewayError(400, "bad_json", "the request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise GatewayError(400, "bad_json", "the request body must be a JSON object.")
    return body
