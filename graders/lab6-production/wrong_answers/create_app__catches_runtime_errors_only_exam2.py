# wrong because: the text says if answer_fn raises *any* exception → 503, but this catches only the errors a store or a model usually raises (RuntimeError, ConnectionError, TimeoutError), so a KeyError becomes a 500.
# counterexample: client_for(lambda q: {}["answer"]).post("/ask", json={"question": "What is my excess?"}).status_code is 503, this answer gives 500 (TestClient raises KeyError)
def create_app(answer_fn, metrics, logger):
    """The assistant as a FastAPI service: /health, /ask, /metrics (see the task for the contract)."""
    app = FastAPI()

    @app.get("/health")
    def health():
        return {"status": "ok"}

    @app.get("/metrics")
    def get_metrics():
        return metrics.snapshot()

    @app.post("/ask")
    async def ask(request: Request):
        request_id = uuid.uuid4().hex
        started = time.perf_counter()
        headers = {"X-Request-ID": request_id}
        try:
            body = await request.json()
        except ValueError:
            body = None
        question = body.get("question") if isinstance(body, dict) else None
        question = question.strip() if isinstance(question, str) else None

        def log(level, status, refused=None, **extra):
            line = {"request_id": request_id, "status": status,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 3), "refused": refused,
                    "question_chars": len(question) if question else 0, **extra}
            logger.log(level, json.dumps(line))

        if not question or len(question) > MAX_QUESTION_CHARS:
            log(logging.WARNING, 422)
            error = {"code": "bad_question", "request_id": request_id,
                     "message": f"question must be a non-blank string of at most {MAX_QUESTION_CHARS} characters"}
            return JSONResponse({"error": error}, status_code=422, headers=headers)
        try:
            result = answer_fn(question)
        except (RuntimeError, ConnectionError, TimeoutError) as exc:
            metrics.observe(time.perf_counter() - started, refused=False, error=True)
            log(logging.ERROR, 503, error=type(exc).__name__)
            error = {"code": "answer_unavailable", "request_id": request_id,
                     "message": "The assistant cannot answer right now; please try again later."}
            return JSONResponse({"error": error}, status_code=503, headers=headers)
        metrics.observe(time.perf_counter() - started, refused=result["refused"], error=False)
        log(logging.INFO, 200, refused=result["refused"])
        return JSONResponse({"answer": result["answer"], "citations": result["citations"],
                             "refused": result["refused"], "request_id": request_id}, headers=headers)

    return app
