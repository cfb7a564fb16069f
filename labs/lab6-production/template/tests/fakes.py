"""The answer functions and test helpers your contract tests use (the same as lab 6's helpers)."""

import logging
import uuid

from langchain_core.documents import Document
from langchain_core.messages import AIMessage
from langchain_core.runnables import RunnableLambda

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


# The production tests' stand-ins: a retriever with fixed chunks and a chat model that answers one text.
HOTEL_CHUNK = Document(page_content="Employees may book up to 4 hotel nights per business trip.",
                       metadata={"doc_id": "policy-travel-comfort", "title": "Travel comfort", "section": "Hotels",
                                 "classification": "internal", "score": 0.92})
HOTEL_ANSWER = "Employees may book up to 4 hotel nights per business trip [policy-travel-comfort]."


def fixed_retriever(*chunks):
    return RunnableLambda(lambda question: list(chunks))


def fake_model(text=HOTEL_ANSWER, usage=None, metadata=None):
    """A model call: an AIMessage with ``text``; ``usage=(input, output)`` reports tokens as LangChain's
    ``usage_metadata`` does, ``metadata`` is its ``response_metadata`` (e.g. OpenAI's ``token_usage``)."""
    def invoke(prompt, *args, **kwargs):
        reported = {"input_tokens": usage[0], "output_tokens": usage[1], "total_tokens": sum(usage)} if usage else None
        return AIMessage(content=text, usage_metadata=reported, response_metadata=metadata or {})
    return invoke
