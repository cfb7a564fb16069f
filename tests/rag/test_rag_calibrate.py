"""The score gate calibrated per corpus (shiplab.rag.calibrate): the rule on written-out scores, then two real corpora
— the sample handbook and the TLJH documentation tree — that need different thresholds."""

from __future__ import annotations

import pytest
from rag_corpus import GOLD_PATH, datasets_missing
from rag_corpus import load_documents as load_sample

from shiplab.data import load_documents
from shiplab.rag.calibrate import Calibration, best_scores, calibrate_on_gold, calibrate_threshold
from shiplab.rag.chunking import chunk_documents
from shiplab.rag.evaluate import load_gold
from shiplab.rag.retrieval import VectorRetriever
from shiplab.rag.store import collection_for, participant_dir, release, upsert_chunks
from shiplab.settings import REPO_ROOT

TLJH = REPO_ROOT / "tests" / "data" / "real" / "docs-tljh"


def test_separable_scores_get_the_midpoint_of_the_gap():
    """When every answerable question scores above every unanswerable one, does the gate sit halfway in the gap,
    answering all and refusing all?"""
    cal = calibrate_threshold([0.8, 0.6, 0.7], [0.3, 0.4])
    assert isinstance(cal, Calibration) and cal.threshold == pytest.approx(0.5)
    assert (cal.answered, cal.refused, cal.separable, cal.balanced_accuracy) == (1.0, 1.0, True, 1.0)
    assert "threshold 0.500" in cal.summary() and "overlap" not in cal.summary()


def test_balanced_accuracy_not_plain_accuracy():
    """With many answerable and one unanswerable question, does the one count (balanced accuracy), rather than the
    gate answering everything for 9/10 plain accuracy?"""
    good = [0.9, 0.85, 0.8, 0.75, 0.7, 0.68, 0.66, 0.64, 0.62]
    cal = calibrate_threshold(good, [0.5])
    assert cal.threshold == pytest.approx(0.56) and cal.refused == 1.0 and cal.answered == 1.0


def test_false_refusals_are_bounded_and_ties_refuse_less():
    """When the lists overlap, is at most max_false_refusals of the answerable questions refused, is the overlap
    reported, and on a tie is the lowest threshold taken?"""
    good, bad = [0.9, 0.8, 0.7, 0.6, 0.45], [0.5, 0.55, 0.3]
    loose = calibrate_threshold(good, bad, max_false_refusals=None)
    assert loose.threshold == pytest.approx(0.575) and loose.answered == 0.8 and loose.refused == 1.0
    strict = calibrate_threshold(good, bad)  # default: at most 10 % false refusals
    assert strict.answered == 1.0 and strict.threshold == pytest.approx(0.375) and strict.refused == pytest.approx(1 / 3)
    assert not strict.separable and "overlap" in strict.summary()
    tie = calibrate_threshold([0.3, 0.7], [0.5, 0.9], max_false_refusals=None)  # below 0.3, 0.6, above 0.9: 1/2
    assert tie.threshold == pytest.approx(0.3 - 1e-6) and tie.answered == 1.0


def test_degenerate_gold_sets():
    """No unanswerable questions: does the gate answer everything? No answerable ones, or a bad bound: ValueError?"""
    cal = calibrate_threshold([0.7, 0.5], [])
    assert cal.threshold < 0.5 and cal.answered == 1.0 and cal.unanswerable == 0
    with pytest.raises(ValueError, match="answerable"):
        calibrate_threshold([], [0.2])
    with pytest.raises(ValueError, match="share"):
        calibrate_threshold([0.5], [0.2], max_false_refusals=2)


def index(tmp_path_factory, embeddings, name, docs):
    root = tmp_path_factory.mktemp(f"calibrate-{name}")
    store = collection_for("calibrate", name, root=root, embeddings=embeddings)
    upsert_chunks(store, chunk_documents(docs, "heading"))
    return VectorRetriever(store=store, k=4), root


@pytest.fixture(scope="module")
def corpora(tmp_path_factory, embeddings):
    """Lab 5's gate set-up (heading chunks, cosine, best of 4) over the sample handbook and the TLJH docs."""
    missing = datasets_missing()
    if missing:
        pytest.skip(f"no sample gold set: {missing}")
    sample, sample_root = index(tmp_path_factory, embeddings, "sample", load_sample())
    tljh, tljh_root = index(tmp_path_factory, embeddings, "tljh", load_documents(TLJH / "docs"))
    yield {"sample": (sample, load_gold(GOLD_PATH)), "tljh": (tljh, load_gold(TLJH / "questions.jsonl"))}
    for root in (sample_root, tljh_root):
        release(participant_dir("calibrate", root))


def lab5_pick_threshold(scored):
    """Lab 5's graded pick_threshold (the solution): best plain accuracy, lowest on a tie."""
    def accuracy(t):
        return sum((score >= t) == answerable for score, answerable in scored) / len(scored)

    return max(sorted({score for score, _ in scored}), key=lambda t: (accuracy(t), -t))


def test_each_corpus_gets_its_own_threshold(corpora):
    """Is the gate tuned on the sample wrong on a real documentation tree (it answers the TLJH question the docs
    cannot answer), while the TLJH docs' own calibration answers all 16 answerable questions and refuses it?"""
    retriever, gold = corpora["sample"]
    good, bad = best_scores(retriever, gold)
    sample_gate = lab5_pick_threshold([(s, True) for s in good] + [(s, False) for s in bad])
    retriever, gold = corpora["tljh"]
    good, bad = best_scores(retriever, gold)
    assert (len(good), len(bad)) == (16, 1)
    assert all(s >= sample_gate for s in bad), "the sample's gate should let the unanswerable TLJH question through"
    own = calibrate_on_gold(retriever, gold)
    assert own.separable and (own.answered, own.refused) == (1.0, 1.0), own.summary()
    assert own.threshold > sample_gate + 0.05, (own.threshold, sample_gate)
    assert calibrate_on_gold(*corpora["sample"]).threshold != pytest.approx(own.threshold, abs=0.02)
