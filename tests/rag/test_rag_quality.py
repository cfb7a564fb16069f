"""Retrieval quality on the sample company's documents and gold questions (datasets/documents, datasets/gold)."""

from __future__ import annotations

import pytest
from rag_corpus import GOLD_PATH, datasets_missing, load_documents

from shiplab.rag.chunking import chunk_documents
from shiplab.rag.evaluate import evaluate_retrieval, load_gold
from shiplab.rag.retrieval import BM25Retriever, HybridRetriever, VectorRetriever
from shiplab.rag.store import collection_for, participant_dir, release, upsert_chunks


@pytest.fixture(scope="module")
def sample_index(tmp_path_factory, embeddings):
    """The sample documents chunked by heading and stored once for this module."""
    missing = datasets_missing()
    if missing:
        pytest.skip(f"no gold set to measure against: {missing}")
    docs = load_documents()
    chunks = chunk_documents(docs, "heading", max_size=1000, overlap=100)
    root = tmp_path_factory.mktemp("rag-quality")
    store = collection_for("quality", "documents", root=root, embeddings=embeddings)
    upsert_chunks(store, chunks)
    yield docs, chunks, store
    release(participant_dir("quality", root))


def test_gold_passages_are_in_the_documents_as_read(sample_index):
    """Is (nearly) every gold passage found in the text our reader gets from its source document?"""
    docs, _, _ = sample_index
    text = {d.id: " ".join(d.text.split()).lower() for d in docs}
    sources = [s for q in load_gold(GOLD_PATH) for s in q["sources"]]
    found = [s for s in sources if " ".join(s["passage"].split()).lower() in text.get(s["doc_id"], "")]
    assert len(found) >= 0.9 * len(sources), f"only {len(found)}/{len(sources)} gold passages found in the documents"


def test_hybrid_recall_at_5_is_at_least_the_better_of_bm25_and_vector(sample_index):
    """On the answerable gold questions, does hybrid (RRF) retrieve at least as well as BM25 and vector alone?"""
    _, chunks, store = sample_index
    gold = load_gold(GOLD_PATH)
    bm25, vector = BM25Retriever(chunks, k=5), VectorRetriever(store=store, k=5)
    hybrid = HybridRetriever(retrievers=[bm25, vector], k=5, fetch_k=20)
    reports = {name: evaluate_retrieval(r, gold, k=5) for name, r in
               [("bm25", bm25), ("vector", vector), ("hybrid", hybrid)]}
    summary = "; ".join(f"{name}: {rep.summary()}" for name, rep in reports.items())
    assert reports["hybrid"].questions >= 20, summary
    assert reports["hybrid"].recall >= max(reports["bm25"].recall, reports["vector"].recall), summary
    assert reports["hybrid"].recall >= 0.5, summary
