"""The OpenAI-compatible endpoints: ``/v1/models``, ``/v1/embeddings``, ``/v1/chat/completions``.

Each route reads what it needs from ``app.state.gateway`` (:class:`shiplab.gateway.app.Served`), takes its body
as a pydantic model (:mod:`shiplab.gateway.schemas`), passes the texts through the gate (:mod:`shiplab.gateway.
governance`) and only then calls a model. A chat request waits its turn in the fair queue (:mod:`shiplab.gateway.
queue`): one that could not be answered within the time its client waits (``X-Shiplab-Max-Wait``) is a 503
``busy`` at once, with ``queue_position``, ``expected_wait_s`` and ``Retry-After``; one whose client went away is
dropped. Errors are :class:`~shiplab.gateway.errors.GatewayError`, written in OpenAI's shape by the shared handler.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from typing import Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from shiplab.gateway.errors import GatewayError
from shiplab.gateway.queue import Busy, ClientGone
from shiplab.gateway.schemas import ChatRequest, EmbeddingsRequest

log = logging.getLogger("shiplab.gateway")

# Chat defaults for the small local models: an answer of a few sentences (a 270M model asked for more mostly
# repeats itself, and every token is the next participant's wait), and a hard cap on what one request may ask.
DEFAULT_MAX_TOKENS = 128
MAX_TOKENS_CAP = 1024

router = APIRouter()


def served(request: Request):
    return request.app.state.gateway


def caller(request: Request) -> str:
    """The hub user asking (``identify`` raises 401/403 as GatewayErrors)."""
    return served(request).identify(request)


def _gate(request: Request, user: str, *, provider: str, model: str, kind: str, texts: list[str], tokens: int):
    return served(request).gate.check(user=user, provider=provider, model=model, kind=kind, texts=texts,
                                      tokens_wanted=tokens, declared=request.headers.get("x-shiplab-data-class"),
                                      use_case=request.headers.get("x-shiplab-use-case", ""))


@router.get("/v1/models")
def models(request: Request, user: str = Depends(caller)):
    backends = served(request).backends
    data = []
    if backends.embedder:
        data.append({"id": backends.embedder.model_name, "object": "model", "owned_by": "local"})
    if backends.llm:
        data.append({"id": backends.llm.model_name, "object": "model", "owned_by": "local"})
    data += [{"id": f"{name}/{p.model}", "object": "model", "owned_by": name} for name, p in backends.external.items()]
    return {"object": "list", "data": data}


@router.post("/v1/embeddings")
async def embeddings(body: EmbeddingsRequest, request: Request, user: str = Depends(caller)):
    gw = served(request)
    if gw.backends.embedder is None or gw.batcher is None:
        raise GatewayError(503, "no_model", "no embedding model is loaded on this gateway.")
    model = gw.backends.embedder.model_name
    tokens = sum(max(1, len(t) // 4) for t in body.input)
    passed = _gate(request, user, provider="local", model=model, kind="embeddings", texts=body.input, tokens=tokens)
    vectors = await gw.batcher(passed.texts)
    gw.usage.record(user, "local", model, "embeddings", tokens, passed.action)
    return JSONResponse({"object": "list", "model": model,
                         "data": [{"object": "embedding", "index": i, "embedding": v} for i, v in enumerate(vectors)],
                         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}, headers=passed.headers)


def _backend(backends, requested: str):
    """(provider, backend) for the ``model`` asked for: ``<provider>/<model>`` is an external provider the hub's
    settings configure; anything else is the default provider (``gateway.default_provider``), else the local
    model."""
    if "/" not in requested:
        if backends.default:
            return backends.default, backends.external[backends.default]
        return "local", backends.llm
    provider = requested.split("/", 1)[0]
    if provider not in backends.external:
        served_ = [f"{name}/{p.model}" for name, p in backends.external.items()]
        if backends.llm is not None:
            served_.insert(0, f"local ({backends.llm.model_name})")
        raise GatewayError(404, "model_not_found", f"this gateway has no provider {provider!r}, so it cannot serve "
                           f"{requested[:80]!r}. It serves: {', '.join(served_) or 'nothing'}. Ask the hub's "
                           "operator to add the provider (gateway.external_providers), or leave 'model' out for the "
                           "local model.", param="model")
    return provider, backends.external[provider]


@router.post("/v1/chat/completions")
async def chat(body: ChatRequest, request: Request, user: str = Depends(caller)):
    gw = served(request)
    requested = body.model or ""
    provider, backend = _backend(gw.backends, requested)
    if backend is None:
        raise GatewayError(503, "no_model", gw.backends.llm_error or "no chat model is loaded on this gateway.")
    # a bare name (an OpenAI client's default "gpt-3.5-turbo", "local", …) is the default provider or the local
    # model: answered and logged under the model that really answered, never under the name asked for
    model = (backend.model_name if provider == "local" else
             requested if "/" in requested else f"{provider}/{backend.model}")
    max_tokens = min(body.max_tokens or DEFAULT_MAX_TOKENS, MAX_TOKENS_CAP)
    texts = [m.content for m in body.messages]
    passed = _gate(request, user, provider=provider, model=model, kind="chat", texts=texts,
                   tokens=sum(len(t) // 4 for t in texts) + max_tokens)
    messages = [{**m.model_dump(), "content": t} for m, t in zip(body.messages, passed.texts)]
    headers = dict(passed.headers)
    shape = _structured(backend, body.response_format) if body.response_format else {}
    try:
        ahead = gw.queue.admit(user, _max_wait(request, gw.max_wait))
    except Busy as busy:
        log.info("busy: %s asked with %d ahead (about %.0f s)", user, busy.ahead, busy.expected_wait)
        raise GatewayError(503, "busy", str(busy), extra={"queue_position": busy.ahead + 1,
                                                          "expected_wait_s": round(busy.expected_wait, 1)},
                           headers={"Retry-After": str(busy.retry_after)}) from None
    temperature, stop = body.temperature or 0.0, body.stop or []
    cancellable = _takes(backend.complete, "cancel")

    def job(cancel):
        more = {"cancel": cancel} if cancellable else {}
        return backend.complete(messages, max_tokens=max_tokens, stop=stop, temperature=temperature, **more,
                                **shape)

    loop = asyncio.get_running_loop()
    queued_at = loop.time()
    try:
        out = await gw.queue.run(user, job, gone=request.is_disconnected)
    except ClientGone:
        log.info("dropped: %s went away after %.1f s with %d ahead", user, loop.time() - queued_at, ahead)
        return Response(status_code=499)  # nobody reads it: the connection is gone
    headers["x-shiplab-queue-position"] = str(ahead + 1)
    headers["x-shiplab-queue-wait"] = f"{loop.time() - queued_at:.1f}"
    total = out["prompt_tokens"] + out["completion_tokens"]
    gw.usage.record(user, provider, model, "chat", total, passed.action)
    return JSONResponse({"id": "chatcmpl-shiplab", "object": "chat.completion", "model": model,
                         "choices": [{"index": 0, "finish_reason": out["finish_reason"],
                                      "message": {"role": "assistant", "content": out["text"]}}],
                         "usage": {"prompt_tokens": out["prompt_tokens"],
                                   "completion_tokens": out["completion_tokens"], "total_tokens": total}},
                        headers=headers)


def _max_wait(request: Request, limit: float) -> float:
    """How long this request may wait: the client's ``X-Shiplab-Max-Wait`` (seconds), never more than ``limit``."""
    raw = request.headers.get("x-shiplab-max-wait", "")
    try:
        asked = float(raw)
    except ValueError:
        return limit
    return min(limit, asked) if asked > 0 else limit


def _structured(backend, response_format: dict) -> dict:
    """How ``backend`` is held to ``response_format``: the local model by a grammar (every token it samples fits the
    schema), a provider by passing it on; a backend that can do neither, or a schema the local model cannot
    follow, is a 400 naming ``response_format``."""
    if hasattr(backend, "structured"):
        try:
            return {"grammar": backend.structured(response_format)}
        except ValueError as exc:
            raise GatewayError(400, "invalid_input", f"response_format: {exc}", param="response_format") from None
    if _takes(backend.complete, "response_format"):
        return {"response_format": response_format}
    raise GatewayError(400, "invalid_input", "response_format: the model behind this gateway cannot hold its answer "
                                             "to a format; leave response_format out and parse the text.",
                       param="response_format")


def _takes(fn: Callable, name: str) -> bool:
    """Does a backend's ``complete`` accept ``name=`` (``cancel``: a threading.Event set when the client goes away;
    ``response_format``: a provider's own)?"""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == name or p.kind is p.VAR_KEYWORD for p in params)
