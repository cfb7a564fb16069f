"""Fixtures for the RAG toolkit's tests: one loaded embedding model for the whole session."""

from __future__ import annotations

import pytest

from shiplab.rag.embeddings import LocalMiniLM


@pytest.fixture(scope="session")
def embeddings() -> LocalMiniLM:
    """The real int8 ONNX model, loaded once."""
    model = LocalMiniLM(threads=2)
    model.embed_query("warm up")
    return model
