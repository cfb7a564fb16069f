"""A langchain chat model served by the hub's model gateway (``/v1/chat/completions``), for the labs.

In a participant's server the hub sets ``SHIPLAB_GATEWAY_URL`` and ``SHIPLAB_GATEWAY_TOKEN``; :func:`chat_model`
returns a :class:`GatewayChatModel` that uses them, so no key ever appears in a notebook. The gateway applies the
governance policy and the participant's budget; its refusals arrive as :class:`LLMError` with the gateway's
message (which names the rule).

Outside the hub (no gateway URL), :func:`chat_model` runs the same gateway in this process
(:mod:`shiplab.rag.local`): the same local model, prompt building, governance policy and budgets, through the same
client class. Where that cannot be done — the policy cannot be read, the model's package is missing — it raises
:class:`LLMError` saying which. Not in a hub's server the hub gives no gateway (``gateway.enabled`` off): there
every participant's kernel would load its own copy of the model, so it takes ``SHIPLAB_LOCAL_MODEL=1``.

:func:`chat_model_or_none` (what the labs' set-up cells call) returns ``None`` where no model should answer: while
nbgrader runs the notebook (graded exercises take the model as a parameter, so their tests pass a deterministic
fake — langchain-core's ``FakeListChatModel`` — instead), outside a Jupyter kernel unless ``SHIPLAB_LOCAL_MODEL=1``
(the offline wrong-answer runner), or where no model can.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, PrivateAttr, SecretStr

from shiplab.errors import ShiplabError
from shiplab.rag.embeddings import GATEWAY_TOKEN_ENV, GATEWAY_URL_ENV

DEFAULT_MODEL = "local"
LOCAL_MODEL_ENV = "SHIPLAB_LOCAL_MODEL"  # 1: offer the in-process model outside a kernel too; 0: never
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
    max_tokens: int | None = None  # None: the gateway's default for its small models (a few sentences)
    timeout: float = 120.0  # seconds to wait for an answer; the gateway is told, and answers "busy" at once
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
        }
        max_tokens = kwargs.get("max_tokens", self.max_tokens)
        if max_tokens is not None:
            body["max_tokens"] = max_tokens
        if stop:
            body["stop"] = stop
        if kwargs.get("response_format"):
            body["response_format"] = kwargs["response_format"]
        return body

    def with_structured_output(self, schema: Any, *, include_raw: bool = False, **kwargs: Any):
        """Answers as ``schema`` — a pydantic model class (an instance comes back) or a JSON schema dict (a dict):
        the gateway holds the model to the schema (for the local model a grammar: every token it samples fits), so
        even a small model's answer parses; the reply is then validated against it."""
        from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser

        if include_raw or kwargs:
            raise ValueError("with_structured_output() here takes only the schema")
        is_model = isinstance(schema, type) and hasattr(schema, "model_json_schema")
        if not is_model and not isinstance(schema, dict):
            raise TypeError("schema must be a pydantic model class or a JSON schema dict")
        json_schema = schema.model_json_schema() if is_model else schema
        name = (schema.__name__ if is_model else str(schema.get("title") or "answer"))[:64]
        bound = self.bind(response_format={"type": "json_schema", "json_schema": {
            "name": name, "schema": json_schema, "strict": True}})
        return bound | (PydanticOutputParser(pydantic_object=schema) if is_model else JsonOutputParser())

    def _headers(self) -> dict[str, str]:
        """What the governance policy reads: the data class declared and the use case (the gateway also detects);
        and how long this client waits, so that a busy gateway says so at once instead of the call timing out."""
        headers = {"X-Shiplab-Max-Wait": f"{max(1.0, self.timeout - 5):.0f}"}
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
        except httpx.TimeoutException as exc:
            raise LLMError(f"The model gateway did not answer within {self.timeout:.0f} s: the one local model is "
                           "most likely busy with other participants' requests (your request was dropped when "
                           "this call gave up, so it does not add to the queue).",
                           hint="Run the cell again in a minute or two; a shorter answer (max_tokens=) is quicker. "
                                "Your server is fine: there is no need to restart it.") from exc
        except httpx.HTTPError as exc:
            raise LLMError(f"Cannot reach the model gateway at {url} ({type(exc).__name__}).",
                           hint="The hub's gateway service may be starting or restarting (it loads its models "
                                "first): try again in a minute, and tell an instructor if it persists. Your server "
                                "is fine: there is no need to restart it.") from exc
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if resp.status_code != 200:
            detail = data.get("error", {}) if isinstance(data, dict) else {}
            detail = detail if isinstance(detail, dict) else {}
            message = detail.get("message")
            if resp.status_code == 503 and detail.get("code") == "busy":
                raise LLMError(f"The model gateway is busy: your request would be number "
                               f"{detail.get('queue_position', '?')} in the queue, about "
                               f"{float(detail.get('expected_wait_s') or 0):.0f} s away, and this call waits at "
                               f"most {self.timeout:.0f} s. ({message})",
                               hint=f"Run the cell again in about {resp.headers.get('retry-after', '60')} s, or "
                                    "pass a larger timeout= to chat_model(). Nothing is wrong with your server.")
            raise LLMError(f"The model gateway refused the request (HTTP {resp.status_code}): "
                           f"{message or resp.text[:300]}",
                           hint="The message names the governance rule or the budget that applies.")
        try:
            choice = data["choices"][0]
            text = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError) as exc:
            raise LLMError(f"The gateway at {url} sent an answer that is not a chat completion.") from exc
        usage = data.get("usage") or {}
        answered_by = str(data.get("model") or self.model)  # the model that really answered, as the gateway says
        message = AIMessage(content=text, response_metadata={"model_name": answered_by},
                            usage_metadata=_usage(usage))
        return ChatResult(generations=[ChatGeneration(message=message,
                                                      generation_info={"finish_reason": choice.get("finish_reason")})],
                          llm_output={"token_usage": usage, "model": answered_by})


def _usage(usage: dict) -> dict | None:
    """The gateway's token counts in langchain's shape (``AIMessage.usage_metadata``), or None without them."""
    try:
        prompt, completion = int(usage["prompt_tokens"]), int(usage["completion_tokens"])
    except (KeyError, TypeError, ValueError):
        return None
    return {"input_tokens": prompt, "output_tokens": completion, "total_tokens": prompt + completion}


def chat_model(**kwargs: Any) -> GatewayChatModel:
    """The gateway's chat model, from ``SHIPLAB_GATEWAY_URL`` / ``SHIPLAB_GATEWAY_TOKEN`` (or ``base_url=`` and
    ``token=``); without them, the same gateway in this process (:func:`shiplab.rag.local.local_chat_model`).
    :class:`LLMError` when neither can answer, saying why."""
    url = kwargs.pop("base_url", None) or os.environ.get(GATEWAY_URL_ENV, "")
    token = kwargs.pop("token", None) or os.environ.get(GATEWAY_TOKEN_ENV, "")
    if url and token:
        return GatewayChatModel(base_url=url, token=SecretStr(token), **kwargs)
    if url or token:
        missing = GATEWAY_TOKEN_ENV if url else GATEWAY_URL_ENV
        raise LLMError(f"The model gateway is only half configured: {missing} is not set.",
                       hint=f"In the hub, {GATEWAY_URL_ENV} and {GATEWAY_TOKEN_ENV} are set for you; "
                            "outside it, pass both base_url= and token=, or neither for the in-process model.")
    if os.environ.get("JUPYTERHUB_API_URL") and os.environ.get(LOCAL_MODEL_ENV, "").strip() != "1":
        # in a hub without a gateway for this server, every participant's kernel would load its own copy
        raise LLMError("This server runs in a hub, but the hub gives it no model gateway (SHIPLAB_GATEWAY_URL is "
                       "not set), so there is no chat model here.",
                       hint="ask the hub's operator (gateway.enabled in the settings); the in-process model is for "
                            "notebooks outside the hub.")
    from shiplab.rag.local import local_chat_model

    return local_chat_model(**kwargs)


def in_notebook_kernel() -> bool:
    """Is this code running in a Jupyter kernel (a notebook, JupyterLab, VS Code), not a script or a bare shell?"""
    app = sys.modules.get("ipykernel.kernelapp")
    return bool(app is not None and app.IPKernelApp.initialized())


def chat_model_or_none(**kwargs: Any) -> GatewayChatModel | None:
    """The chat model :func:`chat_model` gives if it can answer, else ``None``: the hub's gateway when it answers;
    without one, the in-process model (:mod:`shiplab.rag.local`) in a notebook's kernel, or wherever
    ``SHIPLAB_LOCAL_MODEL=1`` asks for it (``0`` never).

    ``None`` while nbgrader runs the notebook (``NBGRADER_EXECUTION`` is ``validate`` in *Validate*, ``autograde``
    while grading): graded exercises take their model as a parameter, and the exploration cells that call the live
    model would make *Validate* wait on a small local model generating — a minute for lab 5 on two cores — for
    nothing it checks. For the same reason the in-process model is not offered outside a kernel by default: the
    wrong-answer runner (:mod:`shiplab.course.wronganswers`) executes a lab in a bare IPython shell, offline, as
    grading does, and lab 5's runs went from 25 s to 8 minutes with the model answering its exploration cells."""
    if os.environ.get("NBGRADER_EXECUTION"):
        return None
    gateway = bool(kwargs.get("base_url") or os.environ.get(GATEWAY_URL_ENV))
    local = os.environ.get(LOCAL_MODEL_ENV, "").strip()
    if not gateway and (local == "0" or (local != "1" and not in_notebook_kernel())):
        return None
    try:
        model = chat_model(**kwargs)
    except LLMError:
        return None
    if model._client is not None:  # in-process: nothing to reach
        return model
    import httpx

    try:
        httpx.get(model.base_url.rstrip("/").removesuffix("/v1") + "/v1/models", timeout=3.0,
                  headers={"Authorization": f"Bearer {model.token.get_secret_value()}"})
    except httpx.HTTPError:
        return None
    return model
