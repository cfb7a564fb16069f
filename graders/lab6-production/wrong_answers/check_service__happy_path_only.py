def check_service(make_client):
    """Contract tests for the assistant service; AssertionError when the service breaks the contract."""
    client = make_client(fake_answer)
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}, "GET /health must answer 200 {status: ok}"

    first = client.post("/ask", json={"question": " How many hotel nights? "})
    second = client.post("/ask", json={"question": "How many hotel nights?"})
    assert first.status_code == 200, f"a good question got {first.status_code}"
    body = first.json()
    assert set(body) == {"answer", "citations", "refused", "request_id"}, f"wrong keys: {sorted(body)}"
    assert body["answer"] == fake_answer("")["answer"] and body["citations"] == ["policy-travel-comfort"]
    assert body["refused"] is False
    assert first.headers.get("X-Request-ID") == body["request_id"], "X-Request-ID must match the body"
    assert body["request_id"] != second.json()["request_id"], "request ids must be fresh"
