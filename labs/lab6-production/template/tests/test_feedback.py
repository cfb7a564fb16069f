"""Can users rate answers — their own, recent ones, once, behind the token, in the service's error shape otherwise
— kept without the question, and counted in /metrics?"""

import json

from fastapi.testclient import TestClient

from assistant.feedback import Feedback
from assistant.main import build_app
from assistant.production import Flags
from assistant.service import Metrics, create_app
from tests.fakes import fake_answer, test_logger

ANNA = "anna-0123456789abcdef"
BEN = "ben-0123456789abcdef0"
TOKENS = {ANNA: {"user": "anna", "clearance": "internal"}, BEN: {"user": "ben", "clearance": "internal"}}


def serve(tmp_path, feedback):
    (tmp_path / "flags.json").write_text('{"assistant": true}')
    app = build_app(create_app, Metrics(), test_logger()[0], tokens=TOKENS, flags=Flags(tmp_path / "flags.json"),
                    retriever_for=lambda clearance: None, chain_answer=lambda q, r: fake_answer(q),
                    fallback_answer=lambda q, r: fake_answer(q), feedback=feedback)
    return TestClient(app)


def ask(client, token, question="How many hotel nights with the zebra-quokka team?"):
    return client.post("/ask", json={"question": question}, headers={"Authorization": f"Bearer {token}"})


def rate(client, token, body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(body, (bytes, str)):
        return client.post("/feedback", content=body, headers=dict(headers, **{"Content-Type": "application/json"}))
    return client.post("/feedback", json=body, headers=headers)


def refused(r, status, code):
    """The service's own error shape, with this call's request id in the body and the header."""
    assert r.status_code == status, (r.status_code, r.text)
    error = r.json()["error"]
    assert error["code"] == code and error["message"] and error["request_id"] == r.headers["X-Request-ID"]
    return error


def test_an_answer_is_rated_once_by_whoever_asked(tmp_path):
    """201 for your own answer, kept as one JSON line without the question; 409 the second time; counted in
    /metrics?"""
    client = serve(tmp_path, Feedback(tmp_path / "feedback.jsonl"))
    rid = ask(client, ANNA).json()["request_id"]
    r = rate(client, ANNA, {"request_id": rid, "helpful": False, "comment": "  cites the wrong policy  "})
    assert r.status_code == 201 and r.json()["rated"] == rid and r.headers["X-Request-ID"] == r.json()["request_id"]
    kept = (tmp_path / "feedback.jsonl").read_text()
    line = json.loads(kept)
    assert (line["request_id"], line["user"], line["helpful"], line["comment"], line["version"]) == (
        rid, "anna", False, "cites the wrong policy", "chain")
    assert "zebra-quokka" not in kept and "hotel" not in kept
    refused(rate(client, ANNA, {"request_id": rid, "helpful": True}), 409, "already_rated")
    other = ask(client, ANNA).json()["request_id"]
    assert rate(client, ANNA, {"request_id": other, "helpful": True}).status_code == 201
    assert client.get("/metrics").json()["feedback"] == {"count": 2, "helpful": 1, "helpful_rate": 0.5}
    assert len((tmp_path / "feedback.jsonl").read_text().splitlines()) == 2


def test_unknown_or_someone_elses_answers_cannot_be_rated(tmp_path):
    """404 for an id the service never answered (or has forgotten), 403 for another user's answer, 401 without a
    token — and none of them counted?"""
    client = serve(tmp_path, Feedback(remember=2))
    anna = ask(client, ANNA).json()["request_id"]
    refused(rate(client, ANNA, {"request_id": "0" * 32, "helpful": True}), 404, "unknown_request")
    refused(rate(client, BEN, {"request_id": anna, "helpful": True}), 403, "not_your_request")
    r = rate(client, None, {"request_id": anna, "helpful": True})
    assert refused(r, 401, "unauthorized") and r.headers["WWW-Authenticate"] == "Bearer"
    refused(rate(client, "not-a-token-at-all", {"request_id": anna, "helpful": True}), 401, "unauthorized")
    ask(client, BEN), ask(client, BEN)  # memory is bounded: anna's answer is the oldest of three, forgotten
    refused(rate(client, ANNA, {"request_id": anna, "helpful": True}), 404, "unknown_request")
    assert client.get("/metrics").json()["feedback"]["count"] == 0


def test_malformed_feedback_is_a_422_in_the_services_shape(tmp_path):
    """Not JSON, not an object, no or odd request id, helpful not a boolean, a comment too long or not a string:
    each a 422 saying what to fix?"""
    client = serve(tmp_path, Feedback(tmp_path / "feedback.jsonl"))
    rid = ask(client, ANNA).json()["request_id"]
    for body in (b"{not json", "[]", {"helpful": True}, {"request_id": "../../etc/passwd", "helpful": True},
                 {"request_id": rid}, {"request_id": rid, "helpful": "yes"}, {"request_id": rid, "helpful": 1},
                 {"request_id": rid, "helpful": True, "comment": "x" * 501},
                 {"request_id": rid, "helpful": True, "comment": 5}):
        refused(rate(client, ANNA, body), 422, "bad_feedback")
    assert not (tmp_path / "feedback.jsonl").exists()
    assert rate(client, ANNA, {"request_id": rid, "helpful": True, "comment": "x" * 500}).status_code == 201
