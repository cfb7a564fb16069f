# wrong because: one request id made when the app is created, reused on every request
# counterexample: two POSTs get the same request_id, should be fresh each time
def create_app(answer_fn, metrics, logger):
    """The assistant as a FastAPI service: /health, /ask, /metrics (see the task for the contract)."""
    app = FastAPI()
    app_request_id = uuid.uuid4().hex

    def log(level, line):
        logger.log(level, json.dumps(line))

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/metrics")
    def metrics_route():
        return metrics.snapshot()

    @app.post("/ask")
    async def ask(request: Request):
        rid = app_request_id
        started = time.perf_counter()
        try:
            body = await request.json()
        except ValueError:
            body = None
        question = body.get("question") if isinstance(body, dict) else None
        if not (isinstance(question, str) and question.strip() and len(question.strip()) <= MAX_QUESTION_CHARS):
            log({200: logging.INFO, 422: logging.WARNING, 503: logging.ERROR}[422], {"request_id": rid, "status": 422, "latency_ms": (time.perf_counter() - started) * 1000,
                                 "refused": None, "question_chars": len(question.strip()) if isinstance(question, str) else 0})
            return JSONResponse({"error": {"code": "bad_question", "message": "question must be a non-blank string of at most 500 characters", "request_id": rid}},
                                status_code=422, headers={"X-Request-ID": rid})
        q = question.strip()
        try:
            result = answer_fn(q)
        except Exception as exc:
            latency = time.perf_counter() - started
            metrics.observe(latency, refused=False, error=True)
            line = {"request_id": rid, "status": 503, "latency_ms": latency * 1000, "refused": None,
                    "question_chars": len(q)}
            line["error"] = type(exc).__name__
            log({200: logging.INFO, 422: logging.WARNING, 503: logging.ERROR}[503], line)
            return JSONResponse({"error": {"code": "answer_unavailable", "message": "The assistant is unavailable right now, please try again.", "request_id": rid}}, status_code=503, headers={"X-Request-ID": rid})
        latency = time.perf_counter() - started
        metrics.observe(latency, refused=bool(result["refused"]), error=False)
        log({200: logging.INFO, 422: logging.WARNING, 503: logging.ERROR}[200], {"request_id": rid, "status": 200, "latency_ms": latency * 1000,
                                 "refused": bool(result["refused"]), "question_chars": len(q)})
        return JSONResponse({"answer": result["answer"], "citations": list(result["citations"]),
                             "refused": bool(result["refused"]), "request_id": rid}, headers={"X-Request-ID": rid})

    return app
