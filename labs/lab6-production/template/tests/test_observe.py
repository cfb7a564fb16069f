"""Can you see what each request did and cost — a span per step with the model's tokens, the cost from the price
table, all in the request's log line and the trace file without the question or the token — and does /metrics
hold cost against the budget?"""

import json

import pytest
from fastapi.testclient import TestClient

from assistant import chain
from assistant.main import build_app, model_call
from assistant.production import ConfigProblem, Flags, _cli
from assistant.service import Metrics, create_app
from assistant.tracing import TRACE, Trace, TraceFile, load_prices, trace_steps, traced_model
from tests.fakes import HOTEL_CHUNK, fake_model, fixed_retriever, test_logger

TOKEN = "anna-0123456789abcdef"
TOKENS = {TOKEN: {"user": "anna", "clearance": "internal"}}
PRICES = load_prices(json.dumps({"gpt-test": {"input_per_1k": 0.0005, "output_per_1k": 0.0015}}))
QUESTION = "How many hotel nights may the zebra-quokka team book?"


def serve(tmp_path, model=None, name="gpt-test", budget=None, traces=None):
    """Your create_app and your lab-5 chain, wired as in production, with a fake model and fixed chunks."""
    (tmp_path / "flags.json").write_text('{"assistant": true}')
    llm = model_call(model or fake_model(usage=(1200, 40)), name, PRICES, timeout_s=5)
    trace_steps(chain)
    logger, records = test_logger()
    app = build_app(create_app, Metrics(), logger, tokens=TOKENS, flags=Flags(tmp_path / "flags.json"),
                    retriever_for=lambda clearance: fixed_retriever(HOTEL_CHUNK),
                    chain_answer=lambda q, r: chain.answer(q, r, llm, chain.MIN_SCORE),
                    fallback_answer=lambda q, r: {"answer": "See [search]", "citations": ["search"], "refused": False},
                    budget=budget, traces=traces)
    return TestClient(app), records


def ask(client, question=QUESTION):
    return client.post("/ask", json={"question": question}, headers={"Authorization": f"Bearer {TOKEN}"})


def logged(records):
    return [json.loads(r.getMessage()) for r in records if r.getMessage().startswith("{")]


def test_each_request_has_a_span_per_step_with_the_models_tokens(tmp_path):
    """Is there a trace (id = request id) in the log line with timed spans for retrieval, your gate, the model
    (GenAI attributes, the model's own token counts) and your post-check, in that order?"""
    client, records = serve(tmp_path)
    r = ask(client)
    assert r.status_code == 200, r.text
    trace = logged(records)[-1]["trace"]
    assert trace["trace_id"] == r.json()["request_id"] == r.headers["X-Request-ID"]
    names = [s["name"] for s in trace["spans"]]
    expected = ["retrieval"] + ["gate"] * hasattr(chain, "should_refuse") + ["model"]
    assert names[:len(expected)] == expected, names
    if hasattr(chain, "check_answer"):
        assert "post_check" in names
    for s in trace["spans"]:
        assert isinstance(s["duration_ms"], float) and s["duration_ms"] >= 0 and s["start"].endswith("+00:00"), s
    retrieval = next(s["attributes"] for s in trace["spans"] if s["name"] == "retrieval")
    assert retrieval == {"chunks": 1, "top_score": 0.92}
    model = next(s["attributes"] for s in trace["spans"] if s["name"] == "model")
    assert model["gen_ai.request.model"] == "gpt-test"
    assert (model["gen_ai.usage.input_tokens"], model["gen_ai.usage.output_tokens"], model["estimated"]) == (
        1200, 40, False)
    assert trace["tokens"] == {"input": 1200, "output": 40, "estimated": False}
    assert trace["cost"] == pytest.approx(1200 / 1000 * 0.0005 + 40 / 1000 * 0.0015)


def in_a_trace(call, *args):
    trace = Trace()
    reset = TRACE.set(trace)
    try:
        call(*args)
    finally:
        TRACE.reset(reset)
    return trace.summary()


def test_cost_comes_from_the_price_table_and_is_null_for_an_unknown_model():
    """Priced model: tokens x price per 1,000; the course's local model: 0; a model without a price: null, said
    so; and a price table that cannot work refused at start?"""
    priced = in_a_trace(traced_model(fake_model(usage=(2000, 1000)), "gpt-test", PRICES), "prompt")
    assert priced["cost"] == pytest.approx(0.001 + 0.0015)
    assert in_a_trace(traced_model(fake_model(usage=(2000, 1000)), "local", PRICES), "prompt")["cost"] == 0
    unknown = in_a_trace(traced_model(fake_model(usage=(2000, 1000)), "mystery-7b", PRICES), "prompt")
    assert unknown["cost"] is None and "mystery-7b" in unknown["cost_note"]
    assert unknown["tokens"]["input"] == 2000  # tokens are counted all the same
    for raw in ("not json", "[]", json.dumps({"m": {"input_per_1k": 1}}), json.dumps({"m": {"input_per_1k": -1,
                                                                                              "output_per_1k": 1}})):
        with pytest.raises(ConfigProblem):
            load_prices(raw)


def test_reported_usage_is_preferred_over_the_estimate():
    """usage_metadata, else response_metadata's token_usage (OpenAI's) — and only without both an estimate
    (4 characters a token), marked estimated?"""
    prompt = "x" * 400
    ours = in_a_trace(traced_model(fake_model("y" * 80, usage=(7, 3)), "gpt-test", PRICES), prompt)
    assert ours["tokens"] == {"input": 7, "output": 3, "estimated": False}
    openai = fake_model("y" * 80, metadata={"token_usage": {"prompt_tokens": 11, "completion_tokens": 5},
                                            "model_name": "gpt-test-2026-01"})
    theirs = in_a_trace(traced_model(openai, "gpt-test", PRICES), prompt)
    assert theirs["tokens"] == {"input": 11, "output": 5, "estimated": False}
    assert theirs["spans"][0]["attributes"]["gen_ai.response.model"] == "gpt-test-2026-01"
    guessed = in_a_trace(traced_model(fake_model("y" * 80), "gpt-test", PRICES), prompt)
    assert guessed["tokens"] == {"input": 100, "output": 20, "estimated": True}
    assert guessed["cost"] == pytest.approx(0.1 * 0.0005 + 0.02 * 0.0015)


def test_no_question_text_or_token_in_the_log_line_or_the_trace_file(tmp_path):
    """Do the log lines and the trace file hold the trace — and never the question, the answer or the token?"""
    client, records = serve(tmp_path, traces=TraceFile(tmp_path / "traces.jsonl"))
    rid = ask(client).json()["request_id"]
    ask(client, question="")  # a 422: traced too, with no span
    lines = (tmp_path / "traces.jsonl").read_text().splitlines()
    kept = [json.loads(line) for line in lines]
    assert (kept[0]["trace_id"], kept[0]["status"], kept[0]["version"]) == (rid, 200, "chain")
    assert kept[0]["spans"] and kept[1]["status"] == 422 and kept[1]["spans"] == []
    everything = "\n".join(r.getMessage() for r in records) + "\n".join(lines)
    for secret in ("zebra-quokka", "hotel nights", TOKEN, "Bearer", "authorization"):
        assert secret not in everything, secret


def test_metrics_report_cost_tokens_and_the_budget(tmp_path):
    """Does /metrics give cost per answered request (p50, p95, total), tokens, and over/under the budget?"""
    client, _ = serve(tmp_path, budget=0.002)
    snapshot = client.get("/metrics").json()
    assert snapshot["cost_budget"]["status"] == "no data" and snapshot["cost_per_request"]["total"] == 0
    for _ in range(3):
        ask(client)
    snapshot = client.get("/metrics").json()
    cost = 1200 / 1000 * 0.0005 + 40 / 1000 * 0.0015
    assert snapshot["requests"] == 3  # your Metrics' own figures are still there
    assert snapshot["cost_per_request"]["p50"] == pytest.approx(cost)
    assert snapshot["cost_per_request"]["p95"] == pytest.approx(cost)
    assert snapshot["cost_per_request"]["total"] == pytest.approx(3 * cost)
    assert snapshot["tokens"] == {"input": 3600, "output": 120}
    assert (snapshot["cost_budget"]["status"], snapshot["cost_budget"]["decision"]) == ("under", "ok")
    dear, _ = serve(tmp_path, model=fake_model(usage=(6000, 400)), budget=0.002)
    ask(dear)
    rule = dear.get("/metrics").json()["cost_budget"]
    assert (rule["status"], rule["decision"], rule["says"]) == ("over", "hold", "p95 cost 0.0036 > budget 0.002: hold")
    unpriced, _ = serve(tmp_path, name="mystery-7b", budget=0.002)
    ask(unpriced)
    snapshot = unpriced.get("/metrics").json()
    assert snapshot["cost_per_request"]["unpriced"] == 1 and snapshot["cost_budget"]["status"] == "no data"


def test_the_budget_command_holds_when_p95_is_over(tmp_path, monkeypatch, capsys):
    """Does `python -m assistant.production budget` read the trace file and say hold (exit 1) or ok (exit 0)?"""
    traces = tmp_path / "traces.jsonl"
    rows = [{"status": 200, "cost": c} for c in [0.001] * 18 + [0.0031, 0.004]] + [{"status": 503, "cost": 9.0}]
    traces.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setenv("ASSISTANT_MAX_COST_PER_REQUEST", "0.002")
    assert _cli(["budget", str(traces)]) == 1
    assert capsys.readouterr().out.strip() == "p95 cost 0.0031 > budget 0.002: hold"
    monkeypatch.setenv("ASSISTANT_MAX_COST_PER_REQUEST", "0.005")
    assert _cli(["budget", str(traces)]) == 0
    assert capsys.readouterr().out.strip() == "p95 cost 0.0031 <= budget 0.005: ok"
    monkeypatch.setenv("ASSISTANT_MAX_COST_PER_REQUEST", "cheap")
    assert _cli(["budget", str(traces)]) == 2 and "ASSISTANT_MAX_COST_PER_REQUEST" in capsys.readouterr().out
