"""Metrics on hand-computed rankings, passage matching, answer checks and the gold-set reader."""

from __future__ import annotations

import math

import pytest
from langchain_core.documents import Document

from shiplab.rag.evaluate import (
    GoldSetError,
    check_answer,
    citations,
    evaluate_retrieval,
    hits,
    is_refusal,
    load_gold,
    ndcg_at_k,
    passage_overlaps,
    recall_at_k,
    reciprocal_rank,
)

P1 = "Glass damage is paid without excess when repaired."
P2 = "Escalate fraud scores above 0.8 to the fraud analytics team."
SOURCES = [{"doc_id": "y", "passage": P1}, {"doc_id": "w", "passage": P2}]


def _d(doc_id, text, cid=None):
    return Document(page_content=text, metadata={"doc_id": doc_id, "chunk_id": cid or f"{doc_id}:{text[:5]}"},
                    id=cid or f"{doc_id}:{text[:5]}")


RANKED = [
    _d("x", "Unrelated text about billing."),
    _d("y", "Motor guide. " + P1 + " More text."),
    _d("z", "Also unrelated."),
    _d("y", "Another part of the motor guide."),
    _d("w", P2),
]


def test_recall_mrr_ndcg_by_hand():
    """Do recall@k, MRR and nDCG@k equal values worked out by hand for hits at ranks 2 and 5?"""
    assert recall_at_k(RANKED, SOURCES, 5) == 1.0
    assert recall_at_k(RANKED, SOURCES, 3) == 0.5
    assert reciprocal_rank(RANKED, SOURCES) == 0.5
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_k(RANKED, SOURCES, 5) == pytest.approx((1 / math.log2(3) + 1 / math.log2(6)) / ideal)
    # doc-only matching: rank 4 (doc y again) earns nothing because source y was already credited at rank 2
    assert ndcg_at_k(RANKED, SOURCES, 5, match="doc") == pytest.approx((1 / math.log2(3) + 1 / math.log2(6)) / ideal)
    assert reciprocal_rank(RANKED[2:4], SOURCES, match="both") == 0.0
    assert reciprocal_rank(RANKED[2:4], SOURCES, match="doc") == 0.5


def test_passage_matching_modes():
    """Does a chunk hit by containing the passage or its larger half, and do the modes combine doc and passage?"""
    assert passage_overlaps("prefix  " + P1.upper().replace(" ", "\n") + " suffix", P1)  # case and spacing ignored
    half = len(P1) // 2 + 3
    assert passage_overlaps("start of chunk " + P1[:half], P1)
    assert not passage_overlaps("start of chunk " + P1[: len(P1) // 3], P1)
    other_doc = _d("q", P1)
    assert hits(other_doc, SOURCES[0], "passage") and not hits(other_doc, SOURCES[0], "both")
    assert hits(RANKED[3], SOURCES[0], "doc") and not hits(RANKED[3], SOURCES[0], "both")


def test_evaluate_retrieval_averages_answerable_questions():
    """Are unanswerable questions skipped and the rest averaged?"""
    gold = [
        {"id": "Q1", "question": "glass?", "answerable": True, "sources": SOURCES[:1]},
        {"id": "Q2", "question": "fraud?", "answerable": True, "sources": SOURCES[1:]},
        {"id": "Q3", "question": "moon?", "answerable": False, "sources": []},
    ]
    report = evaluate_retrieval(lambda q: RANKED[:3], gold, k=3)
    assert (report.questions, report.recall, report.mrr) == (2, 0.5, 0.25)
    assert "recall@3=0.500" in report.summary()


def test_answer_checks_catch_unknown_citations_and_unsupported_sentences():
    """Is an answer citing a chunk not retrieved, or stating things no cited chunk says, flagged?"""
    retrieved = [RANKED[1], RANKED[4]]
    good = "Glass damage is paid without an excess when it is repaired [y]. Fraud scores above 0.8 are escalated [w]."
    check = check_answer(good, retrieved)
    assert check.grounded and check.cited == ["y", "w"] and not check.refusal
    bad = "Glass damage is paid without excess [y]. The moon landing happened in 1969 [moon-facts]."
    check = check_answer(bad, retrieved)
    assert check.unknown_citations == ["moon-facts"] and not check.citations_valid
    assert check.unsupported == ["The moon landing happened in 1969."]
    assert not check.grounded
    assert citations("see [a:1:ff, b] and [a:1:ff]") == ["a:1:ff", "b"]


@pytest.mark.parametrize("answer,refuses", [
    ("This is not in the documents.", True),
    ("The provided documents do not mention a travel excess.", True),
    ("I cannot find that in the context.", True),
    ("I don't know.", True),
    ("The excess is 150 EUR [pol-1].", False),
    ("Documents must be signed within 14 days.", False),
])
def test_refusal_detector(answer, refuses):
    """Does the detector recognise refusals and leave real answers alone?"""
    assert is_refusal(answer) is refuses


def test_gold_reader_explains_bad_files(tmp_path):
    """Do a missing file, a broken line and a line without a question get errors naming the place?"""
    with pytest.raises(GoldSetError, match="No gold set"):
        load_gold(tmp_path / "none.jsonl")
    path = tmp_path / "gold.jsonl"
    path.write_text('{"question": "ok?", "sources": [{"doc_id": "a", "passage": "p"}]}\n{broken\n')
    with pytest.raises(GoldSetError, match="gold.jsonl:2 is not valid JSON"):
        load_gold(path)
    path.write_text('{"question": "ok?", "sources": []}\n{"q": "no question"}\n')
    with pytest.raises(GoldSetError, match=":2 has no \"question\""):
        load_gold(path)
    path.write_text('{"question": "ok?", "sources": [{"doc_id": "a", "passage": "p"}]}\n\n')
    assert load_gold(path)[0]["answerable"] is True
