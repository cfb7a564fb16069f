"""Measuring retrieval and checking answers against a gold set.

Gold set: one JSON object per line, ``{"question", "answerable", "sources": [{"doc_id", "passage"}]}``
(``datasets/gold/questions.jsonl``). A retrieved chunk *hits* a source when (``match=``):

- ``"doc"`` — its ``doc_id`` is the source's document;
- ``"passage"`` — it holds the passage: contains it, or shares a run of at least half the passage's characters
  (a passage cut in two by a chunk boundary still counts for the chunk holding the larger half); whitespace and
  case are ignored;
- ``"both"`` (default) — both of the above.

Retrieval metrics over the top ``k`` chunks of a question with ``n`` sources, averaged over answerable questions:

- **recall@k** = sources hit by some chunk in the top k / n;
- **MRR** = 1 / rank of the first chunk that hits any source (0 if none);
- **nDCG@k** = DCG / ideal DCG, DCG = sum of 1/log2(rank + 1) over chunks that hit a source no earlier chunk hit;
  ideal DCG puts min(n, k) such chunks first.

Answer checks (:func:`check_answer`): every cited id (``[doc-id]`` or ``[chunk-id]`` in the answer) must be among
the retrieved chunks; every sentence should be *supported*: at least ``threshold`` of its content words appear in
the cited chunks (in all retrieved chunks when nothing is cited). :func:`is_refusal` spots "not in the documents"
style answers, which are right for unanswerable questions and wrong for the others.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.documents import Document

from shiplab.errors import ShiplabError
from shiplab.rag.retrieval import tokenize

MATCH_MODES = ("doc", "passage", "both")
_SPACE = re.compile(r"\s+")
_CITATION = re.compile(r"\[([^\[\]\s][^\[\]]{0,120})\]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
_REFUSALS = re.compile(
    r"not (?:in|found in|covered (?:in|by)|mentioned in|stated in|contained in) the (?:provided |given |retrieved )?"
    r"(?:documents?|context|sources?|texts?)|(?:i|we) (?:do not|don't|cannot|can't) (?:know|find|answer)|"
    r"no (?:relevant )?information (?:about|on|in)|(?:cannot|can't|unable to) (?:be )?(?:answer|found|determine)|"
    r"(?:the )?(?:documents?|context|sources?) (?:do(?:es)? not|don't|doesn't) (?:say|mention|contain|cover)",
    re.IGNORECASE,
)


class GoldSetError(ShiplabError):
    """A gold-set file is missing or malformed."""


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    """Read and check a gold-set JSONL file."""
    path = Path(path)
    if not path.is_file():
        raise GoldSetError(f"No gold set at {path}.", hint="Generate the sample datasets first.")
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldSetError(f"{path}:{n} is not valid JSON ({exc.msg}).") from None
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise GoldSetError(f"{path}:{n} has no \"question\" string.")
        sources = item.setdefault("sources", [])
        if not isinstance(sources, list) or any(not isinstance(s, dict) or "doc_id" not in s for s in sources):
            raise GoldSetError(f"{path}:{n}: \"sources\" must be a list of {{\"doc_id\", \"passage\"}} objects.")
        item.setdefault("answerable", bool(sources))
        items.append(item)
    return items


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def passage_overlaps(chunk_text: str, passage: str) -> bool:
    """Does the chunk hold the passage, or at least half of it as one unbroken run?"""
    chunk, passage = _norm(chunk_text), _norm(passage)
    if not passage:
        return False
    if passage in chunk:
        return True
    half = (len(passage) + 1) // 2  # some run of `half` characters of the passage must appear in the chunk
    return any(passage[i : i + half] in chunk for i in range(len(passage) - half + 1))


def hits(doc: Document, source: dict[str, Any], match: str = "both") -> bool:
    if match not in MATCH_MODES:
        raise ValueError(f"match must be one of {MATCH_MODES}, not {match!r}")
    same_doc = str(doc.metadata.get("doc_id")) == str(source.get("doc_id"))
    if match == "doc":
        return same_doc
    passage = source.get("passage") or ""
    if match == "both" and not same_doc:
        return False
    return passage_overlaps(doc.page_content, passage) if passage else same_doc


def _credits(docs: Sequence[Document], sources: Sequence[dict], match: str) -> list[int | None]:
    """For each ranked chunk: the index of a not-yet-credited source it hits, else None."""
    credited: set[int] = set()
    out: list[int | None] = []
    for doc in docs:
        newly = next((j for j, s in enumerate(sources) if j not in credited and hits(doc, s, match)), None)
        if newly is not None:
            credited.add(newly)
        out.append(newly)
    return out


def recall_at_k(docs: Sequence[Document], sources: Sequence[dict], k: int, match: str = "both") -> float:
    if not sources:
        raise ValueError("recall is undefined for a question without sources")
    found = {j for j, s in enumerate(sources) for d in docs[:k] if hits(d, s, match)}
    return len(found) / len(sources)


def reciprocal_rank(docs: Sequence[Document], sources: Sequence[dict], match: str = "both") -> float:
    for rank, doc in enumerate(docs, start=1):
        if any(hits(doc, s, match) for s in sources):
            return 1.0 / rank
    return 0.0


def ndcg_at_k(docs: Sequence[Document], sources: Sequence[dict], k: int, match: str = "both") -> float:
    if not sources:
        raise ValueError("nDCG is undefined for a question without sources")
    credits = _credits(docs[:k], sources, match)
    dcg = sum(1.0 / math.log2(rank + 1) for rank, c in enumerate(credits, start=1) if c is not None)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(sources), k) + 1))
    return dcg / ideal


@dataclass
class RetrievalReport:
    k: int
    recall: float
    mrr: float
    ndcg: float
    questions: int
    per_question: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        return (f"recall@{self.k}={self.recall:.3f}  MRR={self.mrr:.3f}  nDCG@{self.k}={self.ndcg:.3f}  "
                f"({self.questions} questions)")


def evaluate_retrieval(retrieve: Callable[[str], Sequence[Document]] | Any, gold: Iterable[dict[str, Any]],
                       k: int = 5, match: str = "both") -> RetrievalReport:
    """Score a retriever (anything with ``.invoke(question)``, or a function) on the answerable gold questions."""
    fn = retrieve.invoke if hasattr(retrieve, "invoke") else retrieve
    rows = []
    for item in gold:
        if not item.get("answerable", True) or not item.get("sources"):
            continue
        docs = list(fn(item["question"]))[:k]
        rows.append({
            "id": item.get("id"), "recall": recall_at_k(docs, item["sources"], k, match),
            "rr": reciprocal_rank(docs, item["sources"], match), "ndcg": ndcg_at_k(docs, item["sources"], k, match),
        })
    if not rows:
        raise GoldSetError("The gold set has no answerable questions with sources.")
    mean = lambda key: sum(r[key] for r in rows) / len(rows)
    return RetrievalReport(k, mean("recall"), mean("rr"), mean("ndcg"), len(rows), rows)


def is_refusal(answer: str) -> bool:
    """Does the answer decline ("not in the documents", "I cannot find ...") instead of answering?"""
    return bool(_REFUSALS.search(answer or ""))


def citations(answer: str) -> list[str]:
    """Ids cited in square brackets, in order, without repeats: ``[runbook-007]``, ``[adr-3:2:ab12cd34]``."""
    found = []
    for group in _CITATION.findall(answer or ""):
        for part in group.split(","):
            part = part.strip()
            if part and part not in found:
                found.append(part)
    return found


@dataclass
class AnswerCheck:
    refusal: bool
    cited: list[str]
    unknown_citations: list[str]
    sentences: list[tuple[str, float]]  # (sentence, share of its content words found in the supporting chunks)
    threshold: float

    @property
    def citations_valid(self) -> bool:
        return not self.unknown_citations

    @property
    def unsupported(self) -> list[str]:
        return [s for s, support in self.sentences if support < self.threshold]

    @property
    def grounded(self) -> bool:
        return self.citations_valid and not self.unsupported


def check_answer(answer: str, retrieved: Sequence[Document], threshold: float = 0.5) -> AnswerCheck:
    """Check citations and token-overlap support of each sentence of ``answer`` against the retrieved chunks."""
    cited = citations(answer)
    by_id: dict[str, list[Document]] = {}
    for doc in retrieved:
        for key in {doc.id, doc.metadata.get("chunk_id"), doc.metadata.get("doc_id")} - {None}:
            by_id.setdefault(str(key), []).append(doc)
    unknown = [c for c in cited if c not in by_id]
    support_docs = [d for c in cited if c in by_id for d in by_id[c]] or list(retrieved)
    vocabulary = set(tokenize(" ".join(d.page_content for d in support_docs)))
    body = re.sub(r"\s+([.!?,;:])", r"\1", _CITATION.sub(" ", answer or ""))
    sentences = []
    for sentence in _SENTENCE.split(body.strip()):
        words = tokenize(sentence)
        if not words or is_refusal(sentence):
            continue
        sentences.append((sentence.strip(), sum(w in vocabulary for w in words) / len(words)))
    return AnswerCheck(is_refusal(answer), cited, unknown, sentences, threshold)
