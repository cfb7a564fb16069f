"""Three ways to find chunks for a question, each a langchain ``BaseRetriever`` (so ``.invoke(question)`` works).

- :class:`VectorRetriever` — nearest chunks by embedding (cosine) in a Chroma store: finds paraphrases ("car" ~
  "vehicle") but can miss exact identifiers and rare words.
- :class:`BM25Retriever` — Okapi BM25 over words: a chunk scores for each query word it contains, more for rare
  words (idf), with diminishing returns for repeats (``k1``) and a penalty for long chunks (``b``):

      score(q, d) = sum over words t of q:  idf(t) * tf(t,d) * (k1 + 1) / (tf(t,d) + k1 * (1 - b + b * |d| / avgdl))
      idf(t) = ln(1 + (N - df(t) + 0.5) / (df(t) + 0.5))

  Finds exact terms (``NV-MOT``, "subrogation") and misses synonyms.
- :class:`HybridRetriever` — *reciprocal rank fusion* of several retrievers: a chunk ranked r-th (from 1) by a
  retriever gets ``1 / (k + r)`` from it (k = 60, as in Cormack et al. 2009), summed over retrievers. Only ranks
  count, so the incomparable scales of BM25 scores and cosine distances do not matter.

Both BM25 and the store index a chunk as ``chunking.retrieval_text`` (title and section, then the chunk text).
Every returned chunk carries ``metadata["score"]`` (the retriever's own score: cosine similarity, BM25 score or RRF
score). Tokenisation for BM25 (:func:`tokenize`): lower-case, split on anything not a letter or digit, English
stopwords dropped, a plural ``s`` stripped.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, Field, PrivateAttr

from shiplab.rag.chunking import retrieval_text

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "shall", "may", "must", "also", "s", "t"]
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased words without stopwords; ``claims`` and ``claim`` become the same token."""
    out = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _key(doc: Document) -> str:
    return str(doc.id or doc.metadata.get("chunk_id") or doc.page_content)


def _scored(doc: Document, score: float, **extra: Any) -> Document:
    return Document(page_content=doc.page_content, metadata={**doc.metadata, "score": float(score), **extra},
                    id=doc.id)


class BM25Index:
    """An inverted index (term -> numpy arrays of document numbers and term counts) with Okapi BM25 scoring."""

    def __init__(self, docs: Sequence[Document], k1: float = 1.5, b: float = 0.75, contextual: bool = True):
        self.docs = list(docs)
        self.k1, self.b = k1, b
        self.lengths: list[int] = []
        lists: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
        for i, doc in enumerate(self.docs):
            counts = Counter(tokenize(retrieval_text(doc) if contextual else doc.page_content))
            self.lengths.append(sum(counts.values()))
            for term, tf in counts.items():
                entry = lists[term]
                entry[0].append(i)
                entry[1].append(tf)
        self.postings = {t: (np.array(ids, dtype=np.int64), np.array(tfs, dtype=np.float64))
                         for t, (ids, tfs) in lists.items()}
        self.avgdl = (sum(self.lengths) / len(self.lengths)) if self.lengths else 0.0
        # the length part of the denominator, per document: k1 * (1 - b + b * |d| / avgdl)
        self._norm = k1 * (1.0 - b + b * np.asarray(self.lengths, dtype=np.float64) / (self.avgdl or 1.0))

    def idf(self, term: str) -> float:
        df = len(self.postings[term][0]) if term in self.postings else 0
        return math.log(1.0 + (len(self.docs) - df + 0.5) / (df + 0.5))

    def _score_array(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        scores = np.zeros(len(self.docs))
        touched = np.zeros(len(self.docs), dtype=bool)
        for term in set(tokenize(query)):  # a repeated query word counts once
            if term not in self.postings:
                continue
            ids, tfs = self.postings[term]
            scores[ids] += self.idf(term) * tfs * (self.k1 + 1.0) / (tfs + self._norm[ids])
            touched[ids] = True
        return scores, touched

    def scores(self, query: str) -> dict[int, float]:
        """Document number -> BM25 score, for documents sharing at least one word with ``query``."""
        scores, touched = self._score_array(query)
        return {int(i): float(scores[i]) for i in np.flatnonzero(touched)}

    def top(self, query: str, k: int) -> list[tuple[Document, float]]:
        """The ``k`` best documents (ties: earlier document first) with their scores; none without a shared word."""
        scores, touched = self._score_array(query)
        candidates = np.flatnonzero(touched)
        if k < len(candidates):  # cut to the k best (plus ties at the border) before sorting
            border = np.partition(scores[candidates], -k)[-k]
            candidates = candidates[scores[candidates] >= border]
        ranked = sorted(candidates.tolist(), key=lambda i: (-scores[i], i))[:k]
        return [(self.docs[i], float(scores[i])) for i in ranked]


class BM25Retriever(BaseRetriever):
    """Okapi BM25 over a fixed list of chunks (build it from the same chunks the vector store holds)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    k: int = 5
    k1: float = 1.5
    b: float = 0.75
    contextual: bool = True  # index each chunk with its title and section (chunking.retrieval_text)
    _index: BM25Index = PrivateAttr()

    def __init__(self, docs: Sequence[Document], **kwargs: Any):
        super().__init__(**kwargs)
        self._index = BM25Index(docs, k1=self.k1, b=self.b, contextual=self.contextual)

    @classmethod
    def from_store(cls, store, **kwargs: Any) -> BM25Retriever:
        from shiplab.rag.store import stored_documents

        return cls(stored_documents(store), **kwargs)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [_scored(doc, s) for doc, s in self._index.top(query, self.k)]


class VectorRetriever(BaseRetriever):
    """Nearest chunks by cosine similarity in a langchain ``Chroma`` store; ``where`` filters on metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    store: Any
    k: int = 5
    where: dict | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.store.similarity_search_with_score(query, k=self.k, filter=self.where)
        return [_scored(doc, 1.0 - distance) for doc, distance in hits]  # cosine distance -> similarity


def reciprocal_rank_fusion(rankings: Sequence[Sequence[str]], k: int = 60,
                           weights: Sequence[float] | None = None) -> list[tuple[str, float]]:
    """Fuse ranked lists of keys: key -> sum of weight / (k + rank), rank from 1; best first, ties by first seen."""
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError(f"{len(weights)} weights for {len(rankings)} rankings")
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, key in enumerate(dict.fromkeys(ranking), start=1):  # a key repeated in one list counts once
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores.items(), key=lambda item: (-item[1], order[item[0]]))


class HybridRetriever(BaseRetriever):
    """Reciprocal rank fusion (k=60) of several retrievers; each is asked for ``fetch_k`` chunks, ``k`` are kept."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retrievers: list[Any]
    k: int = 5
    fetch_k: int = 20
    rrf_k: int = 60
    weights: list[float] | None = Field(default=None)

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        rankings, by_key = [], {}
        for retriever in self.retrievers:
            if hasattr(retriever, "k"):
                retriever = retriever.model_copy(update={"k": max(self.fetch_k, self.k)})
            docs = retriever.invoke(query, config={"callbacks": run_manager.get_child()})
            rankings.append([_key(d) for d in docs])
            for d in docs:
                by_key.setdefault(_key(d), d)
        fused = reciprocal_rank_fusion(rankings, k=self.rrf_k, weights=self.weights)[: self.k]
        return [_scored(by_key[key], score) for key, score in fused]


def hybrid_retriever(store, docs: Sequence[Document] | None = None, *, k: int = 5, fetch_k: int = 20,
                     where: dict | None = None) -> HybridRetriever:
    """BM25 + vector over one store (BM25 over ``docs``, or over everything in the store) fused with RRF."""
    bm25 = BM25Retriever(docs) if docs is not None else BM25Retriever.from_store(store)
    return HybridRetriever(retrievers=[bm25, VectorRetriever(store=store, where=where)], k=k, fetch_k=fetch_k)
