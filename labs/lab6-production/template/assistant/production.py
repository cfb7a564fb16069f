"""What a notebook service lacks before it may face users: who may ask, what they may read, how long the model may
take, and a switch back to the previous version that needs no deploy.

- **Bearer tokens** (``ASSISTANT_TOKENS``: a JSON object ``{"<token>": {"user": "anna", "clearance":
  "internal"}}``, or the path of a file holding it): every ``/ask`` needs ``Authorization: Bearer <token>``;
  anything else is a ``401`` in the service's own error shape, with a request id, and never reaches the chain.
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
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import hmac
import json
import os
import sys
import uuid
from pathlib import Path

CLEARANCE: contextvars.ContextVar[str | None] = contextvars.ContextVar("clearance", default=None)
USER: contextvars.ContextVar[str | None] = contextvars.ContextVar("user", default=None)
VERSION: contextvars.ContextVar[str] = contextvars.ContextVar("version", default="chain")
CLEARANCES = ("public", "internal", "confidential", "restricted")
PROTECTED = ("/ask",)


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
                                         "send Authorization: Bearer <your token> with every /ask request"}}).encode()
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


def _cli(argv: list[str]) -> int:
    """``python -m assistant.production flag <name> on|off`` — the rollback (and the roll forward)."""
    if len(argv) != 3 or argv[0] != "flag" or argv[2] not in ("on", "off"):
        print("usage: python -m assistant.production flag <name> on|off   (file: $ASSISTANT_FLAGS or flags.json)")
        return 2
    flags = Flags(os.environ.get("ASSISTANT_FLAGS", "flags.json"))
    flags.set(argv[1], argv[2] == "on")
    print(f"{argv[1]} is {argv[2]} in {flags.path} (effective on the next request)")
    return 0


if __name__ == "__main__":
    sys.exit(_cli(sys.argv[1:]))
