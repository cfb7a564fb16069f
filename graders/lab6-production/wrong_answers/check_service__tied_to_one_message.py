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

    refusing = make_client(fake_refusal).post("/ask", json={"question": "Cyber excess?"})
    assert refusing.status_code == 200 and refusing.json()["refused"] is True, "a refusal is a 200 with refused"

    spy = Spy()
    spied = make_client(spy)
    for bad in ({"question": "   "}, {"question": "x" * (MAX_QUESTION_CHARS + 1)}, {}, {"question": 7}):
        r = spied.post("/ask", json=bad)
        assert r.status_code == 422, f"{bad} got {r.status_code}, expected 422"
        assert r.json()["error"]["code"] == "bad_question"
        assert r.json()["error"]["message"].startswith("the question is blank") or "JSON" in r.json()["error"]["message"]
        assert r.headers.get("X-Request-ID"), "a 422 needs a request id"
    assert spy.calls == [], "a bad question must not reach answer_fn"
    assert spied.post("/ask", json={"question": " ok "}).status_code == 200 and spy.calls == ["ok"], \
        "answer_fn gets the stripped question"

    r = make_client(failing).post("/ask", json={"question": "Why?"})
    assert r.status_code == 503, f"a failing answer_fn gave {r.status_code}, expected 503"
    assert r.json()["error"]["code"] == "answer_unavailable"
    for leak in ("sk-live", "/srv/chroma", "RuntimeError", "Traceback"):
        assert leak not in r.text, f"the 503 body leaks {leak!r}"
    assert r.headers.get("X-Request-ID"), "a 503 needs a request id"

    metered = make_client(fake_answer)
    metered.post("/ask", json={"question": "a"})
    metered.post("/ask", json={"question": " "})
    snap = metered.get("/metrics").json()
    assert snap["requests"] == 1 and snap["errors"] == 0, f"metrics after one 200 and one 422: {snap}"
    ### END SOLUTION
