"""Structured output through the gateway (OpenAI's ``response_format``): the local model is held to a JSON schema by
a llama.cpp grammar, so even the 270M model's answer parses and fits; ``with_structured_output`` on the labs' chat
model gives a validated pydantic object. Real llama.cpp, the real gateway app over HTTP (the fixture of
test_llm_client); bad formats are 400s naming the field, with nothing sent to the model."""

from __future__ import annotations

import json
from typing import Literal

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

import test_llm_client as client_tests
from shiplab.gateway import policy
from shiplab.gateway.app import Backends, create_app
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.rag.llm import chat_model
from shiplab.settings import REPO_ROOT

from errorshape import assert_error

from test_gateway_app import identify

pytestmark = pytest.mark.slow
gateway = client_tests.gateway  # one llama.cpp gateway on loopback for the module
TEAMS = ["Billing", "Claims Intake", "Customer Portal"]
ROUTE = {"type": "object", "properties": {"team": {"type": "string", "enum": TEAMS},
                                          "reason": {"type": "string", "maxLength": 60}},
         "required": ["team", "reason"], "additionalProperties": False}
TICKET = [{"role": "system", "content": "Route the ticket to one team. Answer in JSON."},
          {"role": "user", "content": "The invoice for March was sent twice."}]


def post(url: str, body: dict):
    import httpx

    return httpx.post(url.rstrip("/") + "/chat/completions", json=body, timeout=120,
                      headers={"Authorization": "Bearer tok-anna"})


def test_a_json_schema_holds_the_small_model_to_it(gateway):
    """Does the 270M model, asked with a json_schema response_format, answer JSON that parses, has exactly the
    schema's keys, a team from its enum and a reason within its length — and a json_object format an object?"""
    url = gateway[0]
    r = post(url, {"messages": TICKET, "max_tokens": 60, "response_format": {
        "type": "json_schema", "json_schema": {"name": "route", "schema": ROUTE, "strict": True}}})
    assert r.status_code == 200, r.text
    answer = json.loads(r.json()["choices"][0]["message"]["content"])
    assert set(answer) == {"team", "reason"} and answer["team"] in TEAMS and len(answer["reason"]) <= 60, answer
    r = post(url, {"messages": [{"role": "user", "content": "Give the customer's name as JSON."}], "max_tokens": 40,
                   "response_format": {"type": "json_object"}})
    assert r.status_code == 200, r.text
    assert isinstance(json.loads(r.json()["choices"][0]["message"]["content"]), dict)


class Route(BaseModel):
    team: Literal["Billing", "Claims Intake", "Customer Portal"]
    reason: str


def test_with_structured_output_gives_a_validated_object(gateway, monkeypatch):
    """Does the labs' chat model's with_structured_output(Route) come back as a Route whose team is allowed?"""
    monkeypatch.setenv("SHIPLAB_GATEWAY_URL", gateway[0])
    monkeypatch.setenv("SHIPLAB_GATEWAY_TOKEN", "tok-anna")
    route = chat_model(max_tokens=60).with_structured_output(Route).invoke(
        [(m["role"], m["content"]) for m in TICKET])
    assert isinstance(route, Route) and route.team in TEAMS, route


class NoFormats:
    model_name = "plain"

    def __init__(self):
        self.asked = 0

    def complete(self, messages, max_tokens=128, temperature=0.0, stop=None):
        self.asked += 1
        return {"text": "ok", "finish_reason": "stop", "prompt_tokens": 1, "completion_tokens": 1}


@pytest.mark.parametrize("fmt, says", [
    ("json", "response_format: must be"),
    ({"type": "xml"}, "must be"),
    ({"type": "json_schema"}, 'needs "json_schema"'),
    ({"type": "json_schema", "json_schema": {"schema": {"enum": ["x" * 100] * 200}}}, "at most 16,384"),
    ({"type": "json_object"}, "cannot hold its answer to a format")])
def test_a_format_that_cannot_be_followed_is_a_400_naming_it(tmp_path, fmt, says):
    """Is a malformed response_format, an oversized schema, or any format for a model that cannot be held to one a
    400 naming response_format — with nothing sent to the model?"""
    llm = NoFormats()
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp_path / "u.sqlite"),
                     Backends(llm=llm), Budget(100_000, 100), identify)
    r = TestClient(app).post("/v1/chat/completions", json={"messages": TICKET, "response_format": fmt},
                             headers={"Authorization": "Bearer tok-anna"})
    assert_error(r, 400, "invalid_input", shape="openai", param="response_format", says=says)
    assert llm.asked == 0
    ok = TestClient(app).post("/v1/chat/completions", json={"messages": TICKET, "response_format": {"type": "text"}},
                              headers={"Authorization": "Bearer tok-anna"})
    assert ok.status_code == 200 and llm.asked == 1  # "text" is no format at all
