"""The request bodies of the OpenAI-compatible endpoints, checked by pydantic before a route runs.

A body that does not fit is answered by the shared error handler (:mod:`shiplab.gateway.errors`) with a 400
``invalid_request_error`` in OpenAI's shape naming the field (``param``) and what was wrong — ``"max_tokens":
"lots"`` is a sentence, never a 500. Fields OpenAI clients send that the gateway does not use (``user``,
``encoding_format``, ``n`` …) are accepted and ignored.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

MAX_INPUTS = 2048


def _number_not_text(value: Any) -> Any:
    """A number must be sent as one: ``"5"`` and ``true`` are refused (pydantic's lax mode would take them)."""
    if isinstance(value, (str, bool)):
        raise ValueError("must be a number, not " + ("text" if isinstance(value, str) else "true/false"))
    return value


Count = Annotated[int, BeforeValidator(_number_not_text), Field(ge=0)]
Temperature = Annotated[float, BeforeValidator(_number_not_text), Field(ge=0, le=2)]


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str = "user"
    content: str


class ChatRequest(BaseModel):
    """``POST /v1/chat/completions``."""

    model_config = ConfigDict(extra="allow")

    messages: list[Message] = Field(min_length=1)
    model: str | None = None
    max_tokens: Count | None = None
    temperature: Temperature | None = None
    stop: list[str] | None = None

    response_format: dict | None = None

    @field_validator("response_format", mode="before")
    @classmethod
    def _response_format(cls, value):
        return response_format(value)

    @field_validator("stop", mode="before")
    @classmethod
    def _stop(cls, value):
        stop = [value] if isinstance(value, str) else ([] if value is None else value)
        if not isinstance(stop, list) or len(stop) > 4 or not all(isinstance(s, str) and s for s in stop):
            raise ValueError("'stop' must be a string or a list of at most 4 non-empty strings")
        return stop


class EmbeddingsRequest(BaseModel):
    """``POST /v1/embeddings``."""

    model_config = ConfigDict(extra="allow")

    input: list[str]
    model: str | None = None

    @field_validator("input", mode="before")
    @classmethod
    def _input(cls, value):
        texts = [value] if isinstance(value, str) else value
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise ValueError("'input' must be a string or a non-empty list of strings")
        if len(texts) > MAX_INPUTS:
            raise ValueError(f"at most {MAX_INPUTS:,} texts per request; send batches")
        return texts


MAX_SCHEMA = 16 * 1024  # characters of a response_format's JSON schema (a router's or an extractor's is ~1 KB)


def response_format(value: Any) -> dict | None:
    """OpenAI's ``response_format``, checked: None or ``{"type": "text"}`` (free text: None), ``{"type":
    "json_object"}`` (any JSON object), or ``{"type": "json_schema", "json_schema": {"name", "schema", "strict"}}``
    (JSON that fits the schema)."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in ("text", "json_object", "json_schema"):
        raise ValueError('must be {"type": "text"}, {"type": "json_object"} or {"type": "json_schema", '
                         '"json_schema": {"name": ..., "schema": {...}}}')
    if value["type"] == "text":
        return None
    if value["type"] == "json_object":
        return {"type": "json_object"}
    spec = value.get("json_schema")
    if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
        raise ValueError('a "json_schema" response_format needs "json_schema": {"name": ..., "schema": {...}}')
    text = json.dumps(spec["schema"])
    if len(text) > MAX_SCHEMA:
        raise ValueError(f"the schema is {len(text):,} characters of JSON; at most {MAX_SCHEMA:,} are taken")
    return {"type": "json_schema", "json_schema": {"name": str(spec.get("name") or "answer")[:64],
                                                   "schema": spec["schema"], "strict": bool(spec.get("strict"))}}
