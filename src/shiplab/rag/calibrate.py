"""A score gate calibrated per corpus: which retrieval score is "close enough to answer" depends on the documents.

A RAG chain refuses before calling the model when the best retrieved chunk scores below a threshold (lab 5's
``should_refuse``). The threshold is not a constant of the method: the same embedding model gives different
heights of cosine similarity on different corpora (short insurance clauses; long Markdown pages with code blocks,
tables and links), and a gate tuned on one corpus is wrong on the next. Measured with lab 5's set-up (heading
chunks, all-MiniLM-L6-v2, best of 4): on the sample handbook the answerable gold questions score 0.33-0.85 and the
unanswerable ones 0.22-0.60, and lab 5's ``pick_threshold`` chooses 0.33; on the TLJH documentation tree
(``tests/data/real/docs-tljh``) its 16 answerable questions score 0.57-0.81 and the unanswerable one 0.40 — the
sample's 0.33 lets that one through, while 0.49 would answer all 16 and refuse it. (The other way round happens
too: issue 17's flattened copy of the same tree had every question refused by the sample's gate.) So each corpus
gets its own threshold:

1. write a small gold set **for that corpus** — a dozen questions it answers and a few it does not (off-topic,
   or on-topic but not in the text: the dangerous kind), in the JSONL of the sample's gold set (:func:`load_gold`),
   or as ``{"question", "answerable"}`` dicts;
2. :func:`calibrate_on_gold` retrieves each with the retriever the gate will use and keeps the best score
   (:func:`best_scores`);
3. :func:`calibrate_threshold` picks the threshold that separates the two lists best.

The rule (:func:`calibrate_threshold`): candidates lie halfway between neighbouring distinct scores (and just
outside the lowest and highest), so the gate never sits exactly on one question's score. Among the candidates that
refuse at most ``max_false_refusals`` of the answerable questions (default 10 %: the gate is a cheap first filter,
the answer check after the model catches more), the one with the best **balanced accuracy** wins — the mean of the
share of answerable questions answered and the share of unanswerable ones refused (a gold set has far more
answerable questions; plain accuracy would ignore the few unanswerable ones). Ties go to the **lowest** threshold:
refuse less. When the lists overlap no threshold separates them; the result says so (``separable``).

Calibrate with the retriever whose scores the gate reads: cosine similarity (``VectorRetriever``) or BM25. Hybrid
RRF scores come from ranks only (the top chunk scores about 2/61 whatever it says), so a gate on them means little.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from shiplab.rag.evaluate import load_gold  # noqa: F401 -- re-exported: a corpus's gold set reads the same way


@dataclass(frozen=True)
class Calibration:
    """The threshold for one corpus and how well it separates that corpus's gold questions."""

    threshold: float
    answered: float  # share of the answerable questions the gate lets through (1 - false refusal rate)
    refused: float  # share of the unanswerable questions the gate refuses (refusal recall)
    answerable: int
    unanswerable: int
    separable: bool  # does some threshold answer every answerable question and refuse every unanswerable one?

    @property
    def balanced_accuracy(self) -> float:
        return (self.answered + self.refused) / 2

    @property
    def false_refusal_rate(self) -> float:
        return 1.0 - self.answered

    def summary(self) -> str:
        return (f"threshold {self.threshold:.3f}: answers {self.answered:.0%} of {self.answerable} answerable, "
                f"refuses {self.refused:.0%} of {self.unanswerable} unanswerable"
                + ("" if self.separable else " (the scores overlap: no threshold separates them)"))


def _share(flags: list[bool]) -> float:
    return sum(flags) / len(flags) if flags else 1.0


def calibrate_threshold(scores_answerable: Iterable[float], scores_unanswerable: Iterable[float], *,
                        max_false_refusals: float | None = 0.1) -> Calibration:
    """The gate's threshold for one corpus, from the best retrieval score of each of its gold questions.

    A question is answered when its best score is at least the threshold. See the module for the rule;
    ``max_false_refusals=None`` lifts the bound on false refusals. Raises ``ValueError`` without any answerable
    question (there is nothing to keep), or when ``max_false_refusals`` is not a share."""
    good = sorted(float(s) for s in scores_answerable)
    bad = sorted(float(s) for s in scores_unanswerable)
    if not good:
        raise ValueError("calibrate_threshold needs the scores of at least one answerable question")
    if max_false_refusals is not None and not 0.0 <= max_false_refusals <= 1.0:
        raise ValueError(f"max_false_refusals is a share between 0 and 1, not {max_false_refusals!r}")
    points = sorted(set(good) | set(bad))
    candidates = [points[0] - 1e-6] + [(a + b) / 2 for a, b in pairwise(points)] + [points[-1] + 1e-6]

    def judge(t: float) -> tuple[float, float]:
        return _share([s >= t for s in good]), _share([s < t for s in bad]) if bad else 0.0

    allowed = [t for t in candidates
               if max_false_refusals is None or 1.0 - judge(t)[0] <= max_false_refusals + 1e-12] or candidates[:1]
    best = max(allowed, key=lambda t: (sum(judge(t)) / 2, -t))
    answered, refused = judge(best)
    separable = not bad or good[0] > bad[-1]
    return Calibration(round(best, 6), answered, refused, len(good), len(bad), separable)


def best_score(chunks: Sequence[Any]) -> float:
    """The best ``metadata["score"]`` among retrieved chunks (0 when nothing came back)."""
    return max((float(c.metadata.get("score", 0.0)) for c in chunks), default=0.0)


def best_scores(retriever: Any, gold: Iterable[dict]) -> tuple[list[float], list[float]]:
    """(best scores of the answerable questions, of the unanswerable ones) for a gold set, with ``retriever``
    (anything with ``.invoke(question)``, or a function)."""
    fn = retriever.invoke if hasattr(retriever, "invoke") else retriever
    answerable, unanswerable = [], []
    for item in gold:
        score = best_score(fn(item["question"]))
        (answerable if item.get("answerable", True) else unanswerable).append(score)
    return answerable, unanswerable


def calibrate_on_gold(retriever: Any, gold: Iterable[dict], **kwargs: Any) -> Calibration:
    """:func:`calibrate_threshold` on a corpus's own gold set, retrieving each question with ``retriever``."""
    return calibrate_threshold(*best_scores(retriever, gold), **kwargs)
