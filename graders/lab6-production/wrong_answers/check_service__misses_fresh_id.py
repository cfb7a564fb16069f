# wrong because: never compares the request ids of two requests
# counterexample: broken('same_id') passes
def check_service(make_client):
    """Contract tests for the assistant service; AssertionError when the service breaks the contract."""
    c = make_client(fake_answer)
    r = c.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}, "health"
    r = c.post("/ask", json={"question": "Hotel nights?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"answer", "citations", "refused", "request_id"}, body
    assert body["citations"] == ["policy-travel-comfort"]
    assert r.headers.get("X-Request-ID") == body["request_id"], "X-Request-ID header"
    r = make_client(failing).post("/ask", json={"question": "What is my excess?"})
    assert r.status_code == 503, r.status_code
    assert "sk-live" not in r.text and "/srv/chroma" not in r.text and "Traceback" not in r.text
    spy = Spy()
    r = make_client(spy).post("/ask", json={"question": "   "})
    assert r.status_code == 422 and spy.calls == []
    r = make_client(fake_refusal).post("/ask", json={"question": "CEO?"})
    assert r.status_code == 200 and r.json()["refused"] is True
    spy = Spy()
    make_client(spy).post("/ask", json={"question": "  Hotel nights?  "})
    assert spy.calls == ["Hotel nights?"], spy.calls
