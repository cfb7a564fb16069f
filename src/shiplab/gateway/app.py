"""The gateway's web service, assembled: OpenAI-compatible endpoints behind hub tokens, the policy and the budgets.

Requests carry the participant's hub token (``Authorization: Bearer …`` as OpenAI clients send it, or
``token …``). Optional headers say what is being sent: ``X-Shiplab-Data-Class`` (public … restricted) and
``X-Shiplab-Use-Case``; the gateway also *detects* personal data itself and takes the higher class
(:mod:`shiplab.gateway.governance`). The endpoints are in :mod:`shiplab.gateway.openai_api`, the pages for people
in :mod:`shiplab.gateway.pages` and :mod:`shiplab.gateway.instructors`; every error goes through the shared handler
(:mod:`shiplab.gateway.errors`): OpenAI's shape under ``/v1/``, never a token or a traceback.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable

from fastapi import FastAPI, Request

from shiplab.gateway import errors, instructors, openai_api, pages
from shiplab.gateway.errors import GatewayError
from shiplab.gateway.governance import Gate
from shiplab.gateway.openai_api import DEFAULT_MAX_TOKENS, MAX_TOKENS_CAP
from shiplab.gateway.policy import Policy
from shiplab.gateway.queue import FairQueue
from shiplab.gateway.usage import Budget, UsageLog

__all__ = ["Backends", "DEFAULT_MAX_TOKENS", "DEFAULT_MAX_WAIT", "EmbeddingBatcher", "GatewayError",
           "MAX_TOKENS_CAP", "Served", "create_app"]

# How long a request may wait for the local model when its client does not say (X-Shiplab-Max-Wait).
DEFAULT_MAX_WAIT = 300.0


@dataclass
class Backends:
    embedder: Any = None  # .embed(texts) -> vectors ; .model_name
    llm: Any = None  # .complete(messages, max_tokens, temperature) -> dict ; .model_name
    external: dict[str, Any] = field(default_factory=dict)  # provider name -> ExternalProvider
    llm_error: str = ""  # why the configured local chat model is not loaded (e.g. its package is missing)
    default: str = ""  # the external provider that answers requests naming none ("": the local model)


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


@dataclass
class Served:
    """What the routes of one gateway share (``app.state.gateway``)."""

    policy: Policy
    usage: UsageLog
    budget: Budget
    backends: Backends
    identify: Callable[[Request], str]
    queue: FairQueue
    max_wait: float
    viewers: Any = None
    gate: Gate = field(init=False)
    batcher: EmbeddingBatcher | None = field(init=False)

    def __post_init__(self):
        self.gate = Gate(self.policy, self.usage, self.budget)
        self.batcher = EmbeddingBatcher(self.backends.embedder.embed) if self.backends.embedder else None


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
    app.state.gateway = gw = Served(policy, usage, budget, backends, identify, queue or FairQueue(), max_wait, viewers)
    app.state.templates = pages.templates()
    errors.install(app)
    app.include_router(openai_api.router)

    @app.get("/health")
    def health():
        return {"ok": True, "embeddings": bool(backends.embedder), "chat": bool(backends.llm),
                "chat_queue": gw.queue.snapshot()}

    app.include_router(pages.router)
    if viewers is not None:
        app.include_router(instructors.router)
    return app
