"""The answer functions and test helpers your contract tests use (the same as lab 6's helpers)."""

import logging
import uuid

from langchain_core.documents import Document

REFUSAL = "Not in the documents."
MAX_QUESTION_CHARS = 500


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


def test_logger():
    logger = logging.getLogger(f"contract.{uuid.uuid4().hex}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    handler = Records()
    logger.addHandler(handler)
    return logger, handler.records


test_logger.__test__ = False  # a helper, not a test


def fake_answer(question):
    return {"answer": "Up to 4 hotel nights [policy-travel-comfort].", "citations": ["policy-travel-comfort"],
            "refused": False, "chunks": [Document(page_content="...", metadata={"doc_id": "policy-travel-comfort"})]}


def fake_refusal(question):
    return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": []}


class Spy:
    """An answer function that remembers what it was asked."""

    def __init__(self, inner=fake_answer):
        self.inner, self.calls = inner, []

    def __call__(self, question):
        self.calls.append(question)
        return self.inner(question)


def failing(question):
    raise RuntimeError("vector store /srv/chroma/anna locked by pid 4242; token=sk-live-0a1b2c3d")


class RecordingMetrics:
    """A stand-in for Metrics: records observe() calls."""

    def __init__(self):
        self.calls = []

    def observe(self, latency_s, refused=False, error=False):
        self.calls.append((latency_s, refused, error))

    def snapshot(self):
        return {"requests": len(self.calls), "errors": sum(bool(e) for _, _, e in self.calls)}
