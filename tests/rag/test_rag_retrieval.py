"""Retrievers: BM25 scores by hand, reciprocal rank fusion arithmetic, and the vector retriever's filter."""

from __future__ import annotations

import math

import pytest
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from shiplab.rag.retrieval import (
    BM25Index,
    BM25Retriever,
    HybridRetriever,
    VectorRetriever,
    reciprocal_rank_fusion,
    tokenize,
)
from shiplab.rag.store import collection_for, participant_dir, release, upsert_chunks

CORPUS = [
    Document(page_content="cat cat dog", id="d0", metadata={"doc_id": "d0"}),
    Document(page_content="The dog and a bird", id="d1", metadata={"doc_id": "d1"}),
    Document(page_content="fish", id="d2", metadata={"doc_id": "d2"}),
]


def test_tokenizer_lowercases_drops_stopwords_and_plural_s():
    """Are words lower-cased, stopwords dropped, plurals folded, and identifiers split on punctuation?"""
    assert tokenize("The Claims of NV-MOT-1234567 and the glass") == ["claim", "nv", "mot", "1234567", "glass"]
    assert tokenize("class access") == ["class", "access"]  # 'ss' endings are not plurals


def test_bm25_scores_match_the_formula_by_hand():
    """Do BM25 scores equal Okapi's formula worked by hand (k1=1.5, b=0.75, N=3, avgdl=2)?"""
    index = BM25Index(CORPUS)
    assert index.lengths == [3, 2, 1] and index.avgdl == 2.0  # 'the', 'and', 'a' are stopwords
    idf_cat = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    idf_dog = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))
    cat_d0 = idf_cat * 2 * 2.5 / (2 + 1.5 * (0.25 + 0.75 * 3 / 2))
    dog_d0 = idf_dog * 1 * 2.5 / (1 + 1.5 * (0.25 + 0.75 * 3 / 2))
    dog_d1 = idf_dog * 1 * 2.5 / (1 + 1.5 * (0.25 + 0.75 * 2 / 2))
    assert index.scores("cat") == pytest.approx({0: cat_d0})
    assert index.scores("the dogs") == pytest.approx({0: dog_d0, 1: dog_d1})
    assert index.scores("cat dog dog") == pytest.approx({0: cat_d0 + dog_d0, 1: dog_d1})
    assert index.scores("unicorn") == {}


def test_bm25_retriever_ranks_and_scores():
    """Does the retriever rank the shorter dog document first, attach scores, and honour k?"""
    docs = BM25Retriever(CORPUS, k=5).invoke("dog")
    assert [d.id for d in docs] == ["d1", "d0"]
    assert docs[0].metadata["score"] > docs[1].metadata["score"] > 0
    assert [d.id for d in BM25Retriever(CORPUS, k=1).invoke("dog")] == ["d1"]
    assert BM25Retriever([], k=3).invoke("dog") == []


def test_reciprocal_rank_fusion_arithmetic():
    """Is each key scored sum(1/(60 + rank)) and ordered best first?"""
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a", "d"]], k=60))
    assert fused == pytest.approx({"a": 1 / 61 + 1 / 62, "c": 1 / 63 + 1 / 61, "b": 1 / 62, "d": 1 / 63})
    assert [k for k, _ in reciprocal_rank_fusion([["a", "b", "c"], ["c", "a", "d"]])] == ["a", "c", "b", "d"]
    weighted = dict(reciprocal_rank_fusion([["a"], ["b"]], k=1, weights=[1.0, 3.0]))
    assert weighted == pytest.approx({"a": 0.5, "b": 1.5})


class _Fixed(BaseRetriever):
    """Returns a fixed ranking (the retriever under fusion, faked at the edge)."""

    ranking: list[str]
    k: int = 5

    def _get_relevant_documents(self, query, *, run_manager):
        return [Document(page_content=f"text {i}", id=i, metadata={"doc_id": i}) for i in self.ranking[: self.k]]


def test_hybrid_fuses_rankings_and_keeps_k():
    """Does the hybrid retriever ask each retriever for fetch_k, fuse by RRF and return k chunks with RRF scores?"""
    hybrid = HybridRetriever(retrievers=[_Fixed(ranking=list("abcdefg"), k=2), _Fixed(ranking=list("gfedcba"), k=2)],
                             k=3, fetch_k=7)
    docs = hybrid.invoke("anything")
    assert len(docs) == 3
    # a and g are first in one list and last (7th) in the other: equal best scores
    assert {d.id for d in docs[:2]} == {"a", "g"}
    assert docs[0].metadata["score"] == pytest.approx(1 / 61 + 1 / 67)


def test_vector_retriever_finds_meaning_and_filters(tmp_path, embeddings):
    """Does the vector retriever find a paraphrase, score by cosine and respect a metadata filter?"""
    store = collection_for("dora", "docs", root=tmp_path, embeddings=embeddings)
    try:
        chunks = [
            Document(page_content="A stone cracked the windscreen of the car.", id="c1",
                     metadata={"doc_id": "motor", "classification": "public"}),
            Document(page_content="Burst pipes flooded the kitchen floor.", id="c2",
                     metadata={"doc_id": "household", "classification": "internal"}),
        ]
        upsert_chunks(store, chunks)
        top = VectorRetriever(store=store, k=2).invoke("broken windshield")
        assert [d.id for d in top] == ["c1", "c2"]
        assert 0 < top[1].metadata["score"] < top[0].metadata["score"] <= 1
        only = VectorRetriever(store=store, k=2, where={"classification": "internal"}).invoke("broken windshield")
        assert [d.id for d in only] == ["c2"]
    finally:
        release(participant_dir("dora", tmp_path))
