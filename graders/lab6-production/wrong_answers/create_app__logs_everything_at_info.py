def create_app(answer_fn, metrics, logger):
    """The assistant as a FastAPI service: /health, /ask, /metrics (see the task for the contract)."""
    app = FastAPI(title="Nordlicht handbook assistant")

    def finish(request_id, status, body, started, question_chars, refused=None, error=None):
        latency_s = time.perf_counter() - started
        record = {"request_id": request_id, "status": status, "latency_ms": round(latency_s * 1000, 1),
                  "refused": refused, "question_chars": question_chars}
        if error is not None:
            record["error"] = error
        logger.info(json.dumps(record))
        if status != 422:
            metrics.observe(latency_s, refused=bool(refused), error=status != 200)
        return JSONResponse(body, status_code=status, headers={"X-Request-ID": request_id})

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/metrics")
    def get_metrics():
        return metrics.snapshot()

    @app.post("/ask")
    async def ask(request: Request):
        started = time.perf_counter()
        request_id = uuid.uuid4().hex
        try:
            body = await request.json()
        except ValueError:
            body = None
        question = body.get("question") if isinstance(body, dict) else None
        problem = None
        if not isinstance(question, str):
            problem = 'send a JSON object with a "question" string'
        elif not question.strip():
            problem = "the question is blank: type a question"
        elif len(question.strip()) > MAX_QUESTION_CHARS:
            problem = f"the question is longer than {MAX_QUESTION_CHARS} characters: shorten it"
        if problem:
            chars = len(question.strip()) if isinstance(question, str) else 0
            return finish(request_id, 422, {"error": {"code": "bad_question", "message": problem,
                                                      "request_id": request_id}}, started, chars)
        question = question.strip()
        try:
            result = answer_fn(question)
        except Exception as exc:
            return finish(request_id, 503, {"error": {
                "code": "answer_unavailable", "request_id": request_id,
                "message": "The assistant cannot answer right now. Try again in a minute; if it persists, "
                           "quote this request id to the service desk."}},
                started, len(question), error=type(exc).__name__)
        refused = bool(result["refused"])
        return finish(request_id, 200, {"answer": result["answer"], "citations": list(result["citations"]),
                                        "refused": refused, "request_id": request_id},
                      started, len(question), refused=refused)

    return app
    ### END SOLUTION
