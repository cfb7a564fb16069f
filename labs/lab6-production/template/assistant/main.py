"""The service, wired: your create_app around an answer function that reads the caller's clearance, builds your
retriever with ``allowed_filter(clearance)``, and runs your lab-5 chain with a model call bounded by a timeout — or
the previous version when the feature flag is off.

Run it: ``uvicorn --factory assistant.main:create --host 127.0.0.1 --port 8000``. Settings (environment):

- ``ASSISTANT_TOKENS`` — see :mod:`assistant.production` (required);
- ``ASSISTANT_INDEX`` — the index folder :mod:`assistant.index` built (default ``index/``);
- ``ASSISTANT_FLAGS`` — the flag file (default ``flags.json``);
- ``ASSISTANT_MODEL_TIMEOUT_S`` — seconds the model may take (default 20);
- the model: the course gateway's ``SHIPLAB_GATEWAY_URL`` / ``SHIPLAB_GATEWAY_TOKEN`` (your company's approved
  OpenAI-compatible endpoint in production).
"""

from __future__ import annotations

import logging
import os
import sys

from assistant.production import CLEARANCE, VERSION, Flags, ProductionGate, load_tokens, with_timeout


def build_app(create_app, metrics, logger, *, chain_answer, fallback_answer, retriever_for, tokens, flags):
    """The production app: ``chain_answer(question, retriever)`` or ``fallback_answer(question, retriever)`` (by
    the flag), ``retriever_for(clearance)`` per request, all behind :class:`ProductionGate`."""
    def answer_fn(question):
        clearance = CLEARANCE.get()
        if clearance is None:  # only the gate sets it: a route that skipped the gate must not answer
            raise PermissionError("no clearance for this request")
        retriever = retriever_for(clearance)
        if VERSION.get() == "fallback":
            return fallback_answer(question, retriever)
        return chain_answer(question, retriever)

    app = create_app(answer_fn, metrics, logger)
    app.add_middleware(ProductionGate, tokens=tokens, flags=flags)
    return app


def create():
    """The app from the environment (uvicorn's ``--factory``)."""
    from langchain_core.runnables import RunnableLambda

    from assistant import chain, fallback, index, service
    from shiplab.rag.llm import chat_model

    timeout_s = float(os.environ.get("ASSISTANT_MODEL_TIMEOUT_S", "20"))
    try:
        llm = chat_model(max_tokens=200)
    except Exception as exc:  # no model reachable: the chain answers 503 until there is one; the flag still works
        logging.getLogger("assistant").error('{"startup": "no model", "error": "%s"}', type(exc).__name__)

        def llm_invoke(prompt_value):
            raise RuntimeError("no model configured")
    else:
        llm_invoke = llm.invoke
    timed_llm = RunnableLambda(with_timeout(llm_invoke, timeout_s))
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
                     flags=Flags(os.environ.get("ASSISTANT_FLAGS", "flags.json")))
