"""The service, wired: your create_app around an answer function that reads the caller's clearance, builds your
retriever with ``allowed_filter(clearance)``, and runs your lab-5 chain with a model call bounded by a timeout — or
the previous version when the feature flag is off. Every ``/ask`` is traced (:mod:`assistant.tracing`: the
retriever and the model are wrapped here, your chain's ``should_refuse`` and ``check_answer`` where it calls them),
its answer may be rated (:mod:`assistant.feedback`), and ``/metrics`` adds cost, tokens, feedback and the budget.

Run it: ``uvicorn --factory assistant.main:create --host 127.0.0.1 --port 8000``. Settings (environment):

- ``ASSISTANT_TOKENS`` — see :mod:`assistant.production` (required);
- ``ASSISTANT_INDEX`` — the index folder :mod:`assistant.index` built (default ``index/``);
- ``ASSISTANT_FLAGS`` — the flag file (default ``flags.json``);
- ``ASSISTANT_MODEL_TIMEOUT_S`` — seconds the model may take (default 20);
- ``ASSISTANT_PRICES``, ``ASSISTANT_TRACES`` — the price table and the trace file: see :mod:`assistant.tracing`;
- ``ASSISTANT_FEEDBACK`` — where ratings go (default ``feedback.jsonl``): see :mod:`assistant.feedback`;
- ``ASSISTANT_MAX_COST_PER_REQUEST`` — the cost budget: see :mod:`assistant.production`;
- the model: the course gateway's ``SHIPLAB_GATEWAY_URL`` / ``SHIPLAB_GATEWAY_TOKEN`` (your company's approved
  OpenAI-compatible endpoint in production).
"""

from __future__ import annotations

import logging
import os
import sys

from assistant.feedback import Feedback, add_feedback_route
from assistant.production import (
    CLEARANCE,
    USER,
    VERSION,
    Flags,
    ProductionGate,
    ServiceMetrics,
    load_budget,
    load_tokens,
    with_timeout,
)
from assistant.tracing import TraceFile, TraceLog, Tracer, load_prices, trace_steps, traced_model, traced_retriever


def build_app(create_app, metrics, logger, *, chain_answer, fallback_answer, retriever_for, tokens, flags,
              feedback=None, budget=None, traces=None):
    """The production app: ``chain_answer(question, retriever)`` or ``fallback_answer(question, retriever)`` (by
    the flag), ``retriever_for(clearance)`` per request (traced), all behind :class:`ProductionGate`; a trace per
    ``/ask`` in its log line (and in ``traces``, a :class:`TraceFile`, if given), ``POST /feedback`` into
    ``feedback`` (in memory if None), and cost, tokens, feedback and the ``budget`` in ``/metrics``."""
    feedback = feedback if feedback is not None else Feedback()
    metrics = ServiceMetrics(metrics, feedback, budget)

    def answer_fn(question):
        clearance = CLEARANCE.get()
        if clearance is None:  # only the gate sets it: a route that skipped the gate must not answer
            raise PermissionError("no clearance for this request")
        retriever = traced_retriever(retriever_for(clearance))
        if VERSION.get() == "fallback":
            return fallback_answer(question, retriever)
        return chain_answer(question, retriever)

    def finished(trace, status):
        summary = trace.summary()
        if status == 200 and trace.id:  # answered: it may be rated, and its cost counts
            feedback.answered(trace.id, USER.get(), VERSION.get())
            metrics.record(summary)
        if traces is not None and status is not None:
            traces.write({"status": status, "version": VERSION.get(), **summary})

    app = create_app(answer_fn, metrics, TraceLog(logger))
    add_feedback_route(app, feedback, logger)
    app.add_middleware(Tracer, finished=finished)
    app.add_middleware(ProductionGate, tokens=tokens, flags=flags)  # outermost: who asks, before any trace
    return app


def model_call(invoke, model: str, prices: dict, timeout_s: float):
    """The model as your chain gets it: bounded by the timeout, traced (tokens, cost), a Runnable."""
    from langchain_core.runnables import RunnableLambda

    return RunnableLambda(traced_model(with_timeout(invoke, timeout_s), model, prices), name="model")


def create():
    """The app from the environment (uvicorn's ``--factory``)."""
    from assistant import chain, fallback, index, service
    from shiplab.rag.llm import chat_model

    timeout_s = float(os.environ.get("ASSISTANT_MODEL_TIMEOUT_S", "20"))
    try:
        llm = chat_model(max_tokens=200)
    except Exception as exc:  # no model reachable: the chain answers 503 until there is one; the flag still works
        logging.getLogger("assistant").error('{"startup": "no model", "error": "%s"}', type(exc).__name__)
        model = "none"

        def llm_invoke(prompt_value):
            raise RuntimeError("no model configured")
    else:
        llm_invoke, model = llm.invoke, str(getattr(llm, "model", None) or getattr(llm, "model_name", "unknown"))
    timed_llm = model_call(llm_invoke, model, load_prices(os.environ.get("ASSISTANT_PRICES", "")), timeout_s)
    trace_steps(chain)  # spans for your should_refuse and check_answer, where your answer calls them
    store = index.open_store(os.environ.get("ASSISTANT_INDEX", "index"))
    min_score = getattr(chain, "MIN_SCORE", 0.3)

    def retriever_for(clearance):
        from shiplab.rag import VectorRetriever

        return VectorRetriever(store=store, k=4, where=chain.allowed_filter(clearance))

    logger = logging.getLogger("assistant")
    if not logger.handlers:
        logger.addHandler(logging.StreamHandler(sys.stdout))  # JSON lines to stdout: the platform ships them
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return build_app(service.create_app, service.Metrics(), logger,
                     chain_answer=lambda q, r: chain.answer(q, r, timed_llm, min_score),
                     fallback_answer=lambda q, r: fallback.search_answer(q, r, min_score),
                     retriever_for=retriever_for, tokens=load_tokens(os.environ.get("ASSISTANT_TOKENS", "")),
                     flags=Flags(os.environ.get("ASSISTANT_FLAGS", "flags.json")),
                     feedback=Feedback(os.environ.get("ASSISTANT_FEEDBACK") or "feedback.jsonl"),
                     budget=load_budget(os.environ.get("ASSISTANT_MAX_COST_PER_REQUEST", "")),
                     traces=TraceFile(os.environ["ASSISTANT_TRACES"]) if os.environ.get("ASSISTANT_TRACES") else None)
