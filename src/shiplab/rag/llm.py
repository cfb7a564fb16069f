"""A langchain chat model served by the hub's model gateway (``/v1/chat/completions``), for the labs.

In a participant's server the hub sets ``SHIPLAB_GATEWAY_URL`` and ``SHIPLAB_GATEWAY_TOKEN``; :func:`chat_model`
returns a :class:`GatewayChatModel` that uses them, so no key ever appears in a notebook. The gateway applies the
governance policy and the participant's budget; its refusals arrive as :class:`LLMError` with the gateway's
message (which names the rule).

Where no gateway is reachable — grading runs without network — :func:`chat_model_or_none` returns ``None`` and the
lab's exploration cells say so and skip; graded exercises take the model as a parameter, so their tests pass a
deterministic fake (langchain-core's ``FakeListChatModel``) instead.
"""

from __future__ import annotations

import os
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, PrivateAttr, SecretStr

from shiplab.errors import ShiplabError
from shiplab.rag.embeddings import GATEWAY_TOKEN_ENV, GATEWAY_URL_ENV

DEFAULT_MODEL = "local"
_ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


class LLMError(ShiplabError):
    """The chat model could not answer; the message says why (unreachable, refused by policy, over budget)."""


class GatewayChatModel(BaseChatModel):
    """Chat completions from the shiplab gateway (OpenAI-compatible); the token is never shown in a repr."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    base_url: str
    token: SecretStr
    model: str = DEFAULT_MODEL
    temperature: float = 0.0
    max_tokens: int = 256
    timeout: float = 120.0
    data_class: str | None = None  # the data classification of what is sent, for the governance policy
    use_case: str | None = None
    _client: Any = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "shiplab-gateway"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "model": self.model, "temperature": self.temperature}

    def _payload(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> dict:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": _ROLES.get(m.type, "user"), "content": m.content} for m in messages],
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
        }
        if stop:
            body["stop"] = stop
        return body

    def _headers(self) -> dict[str, str]:
        """What the governance policy reads: the data class declared and the use case (the gateway also detects)."""
        headers = {}
        if self.data_class:
            headers["X-Shiplab-Data-Class"] = self.data_class
        if self.use_case:
            headers["X-Shiplab-Use-Case"] = self.use_case
        return headers

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        import httpx

        if self._client is None:
            self._client = httpx.Client(timeout=self.timeout, headers={
                "Authorization": f"Bearer {self.token.get_secret_value()}"})
        url = self.base_url.rstrip("/").removesuffix("/v1") + "/v1/chat/completions"
        try:
            resp = self._client.post(url, json=self._payload(messages, stop, **kwargs), headers=self._headers())
        except httpx.HTTPError as exc:
            raise LLMError(f"Cannot reach the model gateway at {url} ({type(exc).__name__}).",
                           hint="Is your server running from the hub? Restart it from the hub's home page.") from exc
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if resp.status_code != 200:
            detail = data.get("error", {}) if isinstance(data, dict) else {}
            message = detail.get("message") if isinstance(detail, dict) else None
            raise LLMError(f"The model gateway refused the request (HTTP {resp.status_code}): "
                           f"{message or resp.text[:300]}",
                           hint="The message names the governance rule or the budget that applies.")
        try:
            choice = data["choices"][0]
            text = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"The gateway at {url} sent an answer that is not a chat completion.") from exc
        usage = data.get("usage") or {}
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text),
                                                      generation_info={"finish_reason": choice.get("finish_reason")})],
                          llm_output={"token_usage": usage, "model": data.get("model", self.model)})


def chat_model(**kwargs: Any) -> GatewayChatModel:
    """The gateway's chat model, from ``SHIPLAB_GATEWAY_URL`` / ``SHIPLAB_GATEWAY_TOKEN``; :class:`LLMError` if unset."""
    url = kwargs.pop("base_url", None) or os.environ.get(GATEWAY_URL_ENV, "")
    token = kwargs.pop("token", None) or os.environ.get(GATEWAY_TOKEN_ENV, "")
    if not url or not token:
        raise LLMError("No model gateway is configured in this environment.",
                       hint=f"In the hub, {GATEWAY_URL_ENV} and {GATEWAY_TOKEN_ENV} are set for you; "
                            "outside it, pass base_url= and token=.")
    return GatewayChatModel(base_url=url, token=SecretStr(token), **kwargs)


def chat_model_or_none(**kwargs: Any) -> GatewayChatModel | None:
    """The gateway's chat model if one is configured and answers, else ``None``.

    Also ``None`` while nbgrader runs the notebook (``NBGRADER_EXECUTION`` is ``validate`` in *Validate*,
    ``autograde`` while grading): graded exercises take their model as a parameter, and the exploration cells that
    call the live model would make *Validate* wait on a small local model generating — a minute for lab 5 on two
    cores — for nothing it checks."""
    import os

    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    try:
        model = chat_model(**kwargs)
    except LLMError:
        return None
    import httpx

    try:
        httpx.get(model.base_url.rstrip("/").removesuffix("/v1") + "/v1/models", timeout=3.0,
                  headers={"Authorization": f"Bearer {model.token.get_secret_value()}"})
    except httpx.HTTPError:
        return None
    return model
