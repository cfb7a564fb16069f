"""Lab 4 — Retrieval you can measure: the notebook's source. ``shiplab course render lab4-retrieval`` writes
lab4-retrieval.ipynb from it; the cell headers (``# %% solution <grade_id>``, …) are explained in
shiplab.course.authoring. It holds the solutions and hidden tests: never released.

Graded functions take their inputs as parameters and are tested on small, fixed inputs built from the sample company
(offline, deterministic, a few seconds); the exploration cells index the whole sample corpus and, when the
participant has put an export into ``~/backlog/``, their own backlog.
"""

# %% [markdown] intro
# # Lab 4 — Retrieval you can measure (80 minutes, 15 of them on your own case)
#
# A RAG answer can only be as good as the chunks it is given. Today you build the retrieval half of Nordlicht
# Versicherung's "ask the handbook" assistant and, above all, **measure it**: a gold set of questions with known
# sources, recall@k and MRR, then the two levers that move them — chunking and hybrid search.
#
# | part | what you build | expected time |
# |---|---|---|
# | 0 | set-up: index the 42 sample documents in your own chromadb | 5 min |
# | 1 | `recall_at_k` and `reciprocal_rank` (2 + 2 points) | 10 min |
# | 2 | `evaluate_retriever` on the gold set (3 points) | 10 min |
# | 3 | `add_gold_question`: extend the gold set safely (3 points) | 8 min |
# | 4 | `backlog_documents`: index backlog tickets with metadata (3 points) | 8 min |
# | 5 | `rrf`: hybrid search by reciprocal rank fusion (3 points) | 10 min |
# | 6 | `allowed_filter`: only what your clearance allows (2 points) | 5 min |
# | 7 | **apply to my case**: 15 gold questions on your own corpus, your baseline recall (required, 1 point) | 15 min |
# | – | explorations: BM25 vs vector vs hybrid, the chunking sweep | 5 min |
# | – | wrap-up: what you would ship for your case | 4 min |
#
# **How to work:** run the cells from the top. Replace each `raise NotImplementedError()` with your code and run
# the test cell under it: visible tests say what is wrong and how to fix it; hidden tests check the same behaviour on
# other inputs when your work is graded (always on the sample company, so grading is the same for everyone).
# Exploration cells (marked *Explore*) are not graded: change them freely.

# %% code setup
# Part 0 - set-up. Runs offline: the documents, the gold set and the embedding model ship with shiplab.
import os
import tempfile
import time
from pathlib import Path

from langchain_core.documents import Document

from shiplab.data import load_sample_backlog, load_sample_documents
from shiplab.data.api import datasets_dir
from shiplab.rag import (BM25Retriever, HybridRetriever, VectorRetriever, chunk_documents, collection_for,
                         default_embeddings, load_gold, upsert_chunks)
from shiplab.rag.evaluate import hits
from shiplab_checks import check_call, check_equal, check_raises, check_returns

documents = load_sample_documents()                      # 42 documents: policy wordings, guidelines, runbooks, ...
doc_texts = {d.id: d.text for d in documents}
gold = load_gold(datasets_dir() / "gold" / "questions.jsonl")
embeddings = default_embeddings()                        # the hub's gateway when configured, else local MiniLM


def holds(chunk, source):
    # Does this chunk come from the source's document and hold its passage (whitespace and case ignored)?
    return hits(chunk, source, "both")


_OPS = {"$eq": lambda v, a: v == a, "$ne": lambda v, a: v != a, "$in": lambda v, a: v in a,
        "$nin": lambda v, a: v not in a, "$gt": lambda v, a: v is not None and v > a,
        "$gte": lambda v, a: v is not None and v >= a, "$lt": lambda v, a: v is not None and v < a,
        "$lte": lambda v, a: v is not None and v <= a}


def where_matches(where, metadata):
    # Would chromadb's `where` filter keep a chunk with this metadata? ({"key": value}, operators, $and/$or.)
    for key, condition in where.items():
        if key in ("$and", "$or"):
            results = [where_matches(part, metadata) for part in condition]
            if not (all(results) if key == "$and" else any(results)):
                return False
            continue
        operators = condition if isinstance(condition, dict) else {"$eq": condition}
        for op, argument in operators.items():
            if op not in _OPS:
                raise ValueError(f"chromadb has no where-operator {op!r}")
            if not _OPS[op](metadata.get(key), argument):
                return False
    return True

# Your own chromadb, in a fresh temporary folder: nobody else writes to it, and it never lands in your submission.
CHROMA_DIR = Path(tempfile.mkdtemp(prefix="lab4-chroma-"))
ME = os.environ.get("JUPYTERHUB_USER", "me")
store = collection_for(ME, "handbook", root=CHROMA_DIR, embeddings=embeddings)

started = time.perf_counter()
chunks = chunk_documents(documents, "heading")           # one chunk per section (long sections cut further)
upsert_chunks(store, chunks)
print(f"{len(documents)} documents -> {len(chunks)} chunks indexed in {time.perf_counter() - started:.1f} s")
print(f"gold set: {sum(q['answerable'] for q in gold)} answerable + {sum(not q['answerable'] for q in gold)} "
      "unanswerable questions")

# %% free look
# Explore: what is a chunk? Its text, and the metadata that lets us cite it and filter on it.
example = chunks[7]
print(example.page_content[:400], "...\n")
for key in ("doc_id", "title", "section", "classification", "chunk_id"):
    print(f"{key:>15}: {example.metadata[key]}")
print("\nA gold question:", gold[4])

# %% [markdown] ex1_text
# ## 1. Two numbers for "did we find it?" (10 minutes)
#
# A retriever returns a ranked list of chunks; the gold set says which **documents** hold the answer. Work on document
# ids (several chunks of one document may come back; they count once).
#
# - `recall_at_k(retrieved, relevant, k)`: the share of the relevant documents that appear among the **first `k`**
#   retrieved ids. `retrieved` is a list of document ids in rank order (may repeat), `relevant` a list or set of
#   document ids. A question without relevant documents has no recall: raise `ValueError` saying so; `k < 1` is a
#   `ValueError` too.
# - `reciprocal_rank(retrieved, relevant, k=None)`: `1 / rank` of the first relevant id (rank counts from **1**),
#   looking only at the first `k` ids when `k` is given; `0.0` when none is relevant. Averaged over questions this is
#   the **MRR**.
#
# Example: `retrieved = ["adr-002", "adr-001", "adr-002", "runbook-claims-core"]`, `relevant = {"adr-001"}` →
# recall@1 = 0.0, recall@2 = 1.0, reciprocal rank = 0.5.

# %% solution recall_at_k
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    ### BEGIN SOLUTION
    relevant = set(relevant)
    if not relevant:
        raise ValueError("recall is undefined for a question without relevant documents (an unanswerable one): "
                         "leave it out of the average")
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    return len(relevant & set(retrieved[:k])) / len(relevant)
    ### END SOLUTION

# %% tests test_recall_at_k points=2
# Visible tests: run me.
ranked = ["adr-002", "adr-001", "adr-002", "runbook-claims-core"]
check_returns(recall_at_k, ranked, {"adr-001"}, 1, expected=0.0, hint="only the first k ids count.")
check_returns(recall_at_k, ranked, {"adr-001"}, 2, expected=1.0, hint="adr-001 is the 2nd id, so recall@2 = 1.")
check_returns(recall_at_k, ranked, ["adr-001", "adr-005"], 4, expected=0.5,
              hint="one of the two relevant documents was found: 1 / 2.")
check_raises(recall_at_k, ranked, set(), 5, raises=ValueError,
             hint="an unanswerable question has no relevant documents: recall is undefined, raise ValueError.")
print("recall_at_k: visible tests passed.")
### BEGIN HIDDEN TESTS
check_returns(recall_at_k, ["a", "a", "a", "b"], {"a", "b"}, 3, expected=0.5, secret=True,
              hint="a document retrieved three times is still one document found: count distinct ids.")
check_returns(recall_at_k, ["x", "y", "a", "b", "c"], {"a", "b", "c"}, 5, expected=1.0, secret=True,
              hint="recall divides by the number of relevant documents, not by k.")
check_returns(recall_at_k, ["x", "y", "a", "b", "c"], {"a", "b", "c"}, 4, expected=2 / 3, secret=True,
              hint="the first k ids: positions 1..k, no more, no fewer.")
check_returns(recall_at_k, ["a"], ("a",), 10, expected=1.0, secret=True, hint="k may be larger than the list.")
check_returns(recall_at_k, [], {"a"}, 5, expected=0.0, secret=True, hint="nothing retrieved: recall 0.")
check_raises(recall_at_k, ["a"], {"a"}, 0, raises=ValueError, secret=True, hint="k must be at least 1.")
from shiplab_checks import case_rng, check_against

_IDS = ["adr-001", "adr-002", "adr-010", "Q999", "Q1000", "q1000", "runbook", "runbook-claims", "a", "b"]


def _rankings(seed, n=200, k_from=1):
    rng = case_rng(seed)
    for _ in range(n):
        retrieved = [rng.choice(_IDS) for _ in range(rng.randint(0, 9))]
        relevant = rng.choices(_IDS, k=rng.randint(1, 4))  # a list may name an id twice
        relevant = rng.choice([set(relevant), list(relevant), tuple(relevant)])
        yield retrieved, relevant, rng.choice([k_from, 1, 2, 3, 5, 8, 12])


def _ref_recall(retrieved, relevant, k):
    return len(set(relevant) & set(retrieved[:k])) / len(set(relevant))


check_against(recall_at_k, _ref_recall, list(_rankings(41)),
              hint="distinct relevant ids among the first k retrieved, divided by the number of distinct relevant "
                   "ids; ids compared exactly; k may exceed the list.")
### END HIDDEN TESTS

# %% solution reciprocal_rank
def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    ### BEGIN SOLUTION
    relevant = set(relevant)
    window = retrieved if k is None else retrieved[:k]
    for rank, doc_id in enumerate(window, start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0
    ### END SOLUTION

# %% tests test_reciprocal_rank points=2
# Visible tests: run me.
check_returns(reciprocal_rank, ["adr-002", "adr-001", "adr-002"], {"adr-001"}, expected=0.5,
              hint="rank counts from 1: the 2nd position gives 1/2.")
check_returns(reciprocal_rank, ["adr-001"], {"adr-001"}, expected=1.0, hint="found first: 1/1.")
check_returns(reciprocal_rank, ["adr-002", "adr-003"], {"adr-001"}, expected=0.0, hint="never found: 0.0.")
print("reciprocal_rank: visible tests passed.")
### BEGIN HIDDEN TESTS
check_returns(reciprocal_rank, ["x", "y", "z", "a", "b"], {"a", "b"}, expected=0.25, secret=True,
              hint="the FIRST relevant id decides, at rank 4 here.")
check_returns(reciprocal_rank, ["x", "y", "z", "a"], {"a"}, k=3, expected=0.0, secret=True,
              hint="with k, look only at the first k ids.")
check_returns(reciprocal_rank, ["x", "y", "a"], {"a"}, k=3, expected=1 / 3, secret=True,
              hint="the k-th position itself still counts.")
check_returns(reciprocal_rank, [], {"a"}, expected=0.0, secret=True, hint="nothing retrieved: 0.0.")
check_returns(reciprocal_rank, ["x", "a", "a"], ["a"], expected=0.5, secret=True,
              hint="relevant may be a list as well as a set.")
from shiplab_checks import case_rng, check_against

_IDS = ["adr-001", "adr-002", "adr-010", "Q999", "Q1000", "q1000", "runbook", "runbook-claims", "a", "b"]


def _rankings(seed, n=200, k_from=1):
    rng = case_rng(seed)
    for _ in range(n):
        retrieved = [rng.choice(_IDS) for _ in range(rng.randint(0, 9))]
        relevant = rng.choices(_IDS, k=rng.randint(1, 4))  # a list may name an id twice
        relevant = rng.choice([set(relevant), list(relevant), tuple(relevant)])
        yield retrieved, relevant, rng.choice([k_from, 1, 2, 3, 5, 8, 12])


def _ref_rr(retrieved, relevant, k=None):
    _window = retrieved if k is None else retrieved[:k]
    return next((1.0 / r for r, d in enumerate(_window, start=1) if d in set(relevant)), 0.0)


check_against(reciprocal_rank, _ref_rr, [c for c in _rankings(43, k_from=0)] + [c[:2] for c in _rankings(44, 60)]
              + [(c[0], set(), c[2]) for c in _rankings(45, 20)],
              hint="1 / rank (from 1) of the first relevant id within the first k ids (k = 0: none; no k: all); "
                   "0.0 when none is relevant.")
### END HIDDEN TESTS

# %% [markdown] ex2_text
# ## 2. Score a retriever on the gold set (10 minutes)
#
# Finding the right *document* is easy with 42 documents; the model in lab 5 needs the right *chunk*, the one that
# holds the answer. So here a retrieved chunk counts for a gold source only when it comes from the source's document
# **and holds its passage**: `holds(chunk, source)` (given in the set-up) checks exactly that.
#
# Write `evaluate_retriever(retrieve, gold, k=5)`:
#
# - `retrieve(question)` returns a ranked list of langchain `Document`s (chunks). It may return more than `k`: only the
#   first `k` count.
# - `gold` is a list of gold items like the ones loaded above: `{"id", "question", "answerable", "sources":
#   [{"doc_id", "passage"}]}`. **Unanswerable questions are left out** (they are for lab 5's refusal tests); so are
#   questions without sources.
# - Per question, label each of the first `k` chunks with the number (0, 1, …) of the first source it holds, or `None`;
#   the relevant labels are the source numbers. Then your `recall_at_k` and `reciprocal_rank` do the rest.
# - Return `{"recall": mean recall@k, "mrr": mean reciprocal rank within the first k, "questions": number of
#   questions scored, "misses": [ids of the questions whose recall@k is 0, in gold order]}`. With no answerable
#   question at all, raise `ValueError`.

# %% solution evaluate_retriever
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    ### BEGIN SOLUTION
    recalls, rrs, misses = [], [], []
    for item in gold:
        sources = item.get("sources") or []
        if not item.get("answerable", True) or not sources:
            continue
        top = list(retrieve(item["question"]))[:k]
        labels = [next((j for j, source in enumerate(sources) if holds(chunk, source)), None) for chunk in top]
        relevant = set(range(len(sources)))
        recall = recall_at_k(labels, relevant, k)
        recalls.append(recall)
        rrs.append(reciprocal_rank(labels, relevant, k))
        if recall == 0:
            misses.append(item["id"])
    if not recalls:
        raise ValueError("the gold set has no answerable question with sources to score")
    return {"recall": sum(recalls) / len(recalls), "mrr": sum(rrs) / len(rrs), "questions": len(recalls),
            "misses": misses}
    ### END SOLUTION

# %% tests test_evaluate_retriever points=3
# Visible tests: run me. A tiny gold set and a retriever that always answers the same four chunks.
def _chunk(doc_id, text="nothing to see here"):
    return Document(page_content=text, metadata={"doc_id": doc_id})

tiny_gold = [
    {"id": "T1", "question": "q1", "answerable": True,
     "sources": [{"doc_id": "adr-001", "passage": "We chose PostgreSQL 16."}]},
    {"id": "T2", "question": "q2", "answerable": True,
     "sources": [{"doc_id": "adr-009", "passage": "The budget is EUR 40,000."}]},
    {"id": "T3", "question": "q3", "answerable": False, "sources": []},
]
same_four = lambda question: [_chunk("adr-002", "We chose PostgreSQL 16."), _chunk("adr-001", "Context: we chose "
                              "PostgreSQL 16. It runs well."), _chunk("adr-009"), _chunk("adr-009", "The budget "
                              "is EUR 40,000.")]
report = check_call(evaluate_retriever, same_four, tiny_gold, k=3)
check_equal(report["questions"], 2, "unanswerable questions are left out of retrieval scores.",
            label='report["questions"]')
check_equal(report["recall"], 0.5, "T1's passage is in the 2nd chunk (recall 1); T2's document comes 3rd, but that "
            "chunk does not hold the passage, and the 4th is beyond k=3 (recall 0): mean 0.5.", label='report["recall"]')
check_equal(report["mrr"], 0.25, "T1: 1/2 (the 1st chunk has the passage but is from another document); T2: 0.",
            label='report["mrr"]')
check_equal(report["misses"], ["T2"], "misses lists the ids of questions with recall 0.", label='report["misses"]')

# Now on the real chunks: BM25 over the sample documents.
real = check_call(evaluate_retriever, BM25Retriever(chunks, k=5).invoke, gold[:20], k=5)
print(f"BM25 on the first 20 gold questions: recall@5={real['recall']:.2f}  MRR={real['mrr']:.2f}")
check_equal(0.6 <= real["recall"] <= 1.0 and real["questions"] == 20, True, label="BM25 on 20 real gold questions",
            hint="BM25 finds the passage for most of them: recall@5 should be well above 0.6.")
print("evaluate_retriever: visible tests passed.")
### BEGIN HIDDEN TESTS
def _by_question(mapping):
    return lambda question: [_chunk(d, t) for d, t in mapping[question]]

hidden_gold = [  # two sources for H1, a miss within k for H2, an unanswerable H3
    {"id": "H1", "question": "a", "answerable": True,
     "sources": [{"doc_id": "d1", "passage": "alpha one"}, {"doc_id": "d2", "passage": "beta two"}]},
    {"id": "H2", "question": "b", "answerable": True, "sources": [{"doc_id": "d3", "passage": "gamma three"}]},
    {"id": "H3", "question": "c", "answerable": False, "sources": []},
    {"id": "H4", "question": "d", "answerable": True, "sources": [{"doc_id": "d9", "passage": "delta four"}]},
]
x = ("x", "filler text of another doc")
answers = {"a": [("d2", "... beta two ..."), x, ("d1", "alpha one"), x, x, x],
           "b": [("d3", "no"), x, x, x, x, ("d3", "Gamma   three")], "c": [("d1", "alpha one")],
           "d": [x, x, ("d9", "delta four"), ("d9", "delta four")]}
hidden = check_call(evaluate_retriever, _by_question(answers), hidden_gold, k=5, secret=True)
check_equal(hidden["questions"], 3, "score answerable questions only.", secret=True)
check_equal(round(hidden["recall"], 6), round((1.0 + 0.0 + 1.0) / 3, 6),
            "only the first k chunks count, and recall is per question, then averaged.", secret=True)
check_equal(round(hidden["mrr"], 6), round((1.0 + 0.0 + 1 / 3) / 3, 6),
            "MRR: mean over questions of 1/rank of the first chunk holding a source passage, within k.", secret=True)
check_equal(hidden["misses"], ["H2"], "misses: questions whose recall@k is 0, in gold order.", secret=True)
check_equal(check_call(evaluate_retriever, _by_question(answers), hidden_gold, k=6, secret=True)["misses"], [],
            "k is a parameter: with k=6 the 6th chunk counts.", secret=True)
check_raises(evaluate_retriever, _by_question(answers), [hidden_gold[2]], raises=ValueError, secret=True,
             hint="no answerable question: there is nothing to average, raise ValueError.")
from shiplab_checks import case_rng, check_against


def _ref_evaluate(retrieve, gold, k=5):
    _recalls, _rrs, _misses = [], [], []
    for _item in gold:
        _sources = _item.get("sources") or []
        if not _item.get("answerable", True) or not _sources:
            continue
        _top = list(retrieve(_item["question"]))[:k]
        _labels = [next((j for j, src in enumerate(_sources) if holds(c, src)), None) for c in _top]
        _rel = set(range(len(_sources)))
        _rc = recall_at_k(_labels, _rel, k)
        _recalls.append(_rc)
        _rrs.append(reciprocal_rank(_labels, _rel, k))
        if _rc == 0:
            _misses.append(_item["id"])
    if not _recalls:
        raise ValueError("no answerable question")
    return {"recall": sum(_recalls) / len(_recalls), "mrr": sum(_rrs) / len(_rrs), "questions": len(_recalls),
            "misses": _misses}


def _retriever(answers):
    return lambda question: list(answers.get(question, []))


def _gold_sets(seed, n=60):
    rng = case_rng(seed)
    passages = ["the excess is EUR 150", "four hotel nights", "call the hotline", "two weeks", "Subrogation"]
    for _ in range(n):
        gold, answers = [], {}
        for q in range(rng.randint(1, 5)):
            sources = [{"doc_id": rng.choice(["adr-001", "adr-010", "policy-1"]), "passage": rng.choice(passages)}
                       for _ in range(rng.randint(0 if q else 1, 2))]
            item = {"id": f"Q{rng.randint(1, 1200):03d}", "question": f"question {q}",
                    "answerable": rng.random() > 0.2 or q == 0,
                    "sources": sources}
            if not item["answerable"] and rng.random() < 0.5:
                item.pop("answerable")
                item["answerable"] = False
            gold.append(item)
            chunks = []
            for _ in range(rng.randint(0, 8)):
                src = rng.choice(sources) if sources and rng.random() < 0.4 else None
                doc_id = src["doc_id"] if src else rng.choice(["adr-001", "adr-010", "policy-1"])
                text = (f"Note: {src['passage'].upper() if rng.random() < 0.3 else src['passage']}  here" if src
                        else rng.choice(["nothing", "the excess", "hotel"]))
                if src and len(sources) > 1 and rng.random() < 0.3:  # it holds two passages: labelled by the first
                    text += " and " + rng.choice(sources)["passage"]
                chunks.append(Document(page_content=text, metadata={"doc_id": doc_id}))
            answers[item["question"]] = chunks
        if any(g["answerable"] and g["sources"] for g in gold):
            yield (_retriever(answers), gold, rng.choice([1, 2, 3, 5, 10]))


check_against(evaluate_retriever, _ref_evaluate, list(_gold_sets(53)),
              hint="per answerable question with sources: label the first k chunks with the first source each "
                   "holds (holds(chunk, source)), then recall_at_k and reciprocal_rank on the source numbers; the "
                   "means over scored questions, their count, and the ids whose recall is 0, in gold order.")
### END HIDDEN TESTS

# %% free compare
# Explore: BM25 (words) vs vector (meaning) vs hybrid (both, fused by rank) on all answerable gold questions.
bm25 = BM25Retriever(chunks, k=5)
vector = VectorRetriever(store=store, k=5)
hybrid = HybridRetriever(retrievers=[bm25, vector], k=5)   # the toolkit's RRF; part 5 has you write your own
scores = {}
for name, retriever in [("BM25", bm25), ("vector", vector), ("hybrid", hybrid)]:
    started = time.perf_counter()
    scores[name] = evaluate_retriever(retriever.invoke, gold, k=5)
    print(f"{name:>7}: recall@5={scores[name]['recall']:.3f}  MRR={scores[name]['mrr']:.3f}  "
          f"misses={len(scores[name]['misses']):>2}  ({time.perf_counter() - started:.1f} s)")
# After part 5, compare with your own fusion:
#   by_id = {c.id: c for c in chunks}
#   mine = lambda q: [by_id[i] for i in rrf([[c.id for c in bm25.model_copy(update={"k": 20}).invoke(q)],
#                                            [c.id for c in vector.model_copy(update={"k": 20}).invoke(q)]])]
#   print(evaluate_retriever(mine, gold, k=5))

# %% [markdown] ex3_text
# ## 3. Extend the gold set — without breaking it (8 minutes)
#
# A gold set is only as good as its entries: a passage that is not in the document, or the same question twice,
# silently skews every number above. Write `add_gold_question(gold, question, answer, doc_id, passage, texts)`
# returning a **new list** (do not change `gold`) with one more item:
#
# `{"id": <next id>, "question": question, "answer": answer, "answerable": <bool>, "sources": [...]}`
#
# - the next id is `"Q"` + the largest number among existing ids + 1, zero-padded to 3 digits (`Q096` → `Q097`);
# - `texts` maps document ids to their text (like `doc_texts` above). For an answerable question `doc_id` must be a
#   key of `texts` (else `ValueError` naming the unknown id), and `passage` must occur in that document's text,
#   **ignoring differences in whitespace** (line breaks vs spaces) (else `ValueError` naming the document); the item
#   gets `"sources": [{"doc_id": doc_id, "passage": passage}]` and `"answerable": True`;
# - `doc_id=None` adds an **unanswerable** question: `"answerable": False`, `"sources": []`, and the answer
#   `"not in the documents"`;
# - a question already in the gold set (ignoring case and surrounding spaces) is a `ValueError` that says
#   `already`.

# %% solution add_gold_question
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    ### BEGIN SOLUTION
    import re

    def squash(s):
        return re.sub(r"\s+", " ", s).strip()

    if squash(question).lower() in {squash(item["question"]).lower() for item in gold}:
        raise ValueError(f"the question {question!r} is already in the gold set")
    numbers = [int(m.group(1)) for item in gold if (m := re.fullmatch(r"Q(\d+)", str(item.get("id", ""))))]
    item = {"id": f"Q{max(numbers, default=0) + 1:03d}", "question": question}
    if doc_id is None:
        item.update(answer="not in the documents", answerable=False, sources=[])
    else:
        if doc_id not in texts:
            raise ValueError(f"there is no document {doc_id!r}: use one of the ids in texts")
        if squash(passage) not in squash(texts[doc_id]):
            raise ValueError(f"the passage is not in document {doc_id!r}: copy it from the document's text")
        item.update(answer=answer, answerable=True, sources=[{"doc_id": doc_id, "passage": passage}])
    return [*gold, item]
    ### END SOLUTION

# %% tests test_add_gold_question points=3
# Visible tests: run me.
small_gold = [dict(q) for q in gold[:3]]
before = [dict(q) for q in small_gold]
passage = "The maximum inpatient cover is"
texts = {"doc-a": "Travel Basic.\nThe maximum inpatient\ncover is EUR 50,000 per trip.", "doc-b": "Other text."}
new = check_call(add_gold_question, small_gold, "How much inpatient cover does Travel Basic give?", "EUR 50,000", "doc-a",
                        passage, texts)
check_equal(len(new), 4, "the new list holds the old items plus one.", label="len(result)")
check_equal(small_gold, before, "do not change the list you were given: build a new one.", label="gold afterwards")
check_equal(new[-1]["id"], "Q004", "the next id after Q003 is Q004 (zero-padded to 3 digits).", label="new id")
check_equal(new[-1]["sources"], [{"doc_id": "doc-a", "passage": passage}], label="sources",
            hint="one source: the document id and the passage, unchanged.")
check_equal(new[-1]["answerable"], True, label="answerable")
check_raises(add_gold_question, small_gold, "Q?", "x", "doc-b", passage, texts, raises=ValueError, contains="doc-b",
             hint="the passage is not in doc-b: refuse it, naming the document.")
check_raises(add_gold_question, small_gold, "Q?", "x", "doc-z", passage, texts, raises=ValueError, contains="doc-z",
             hint="doc-z does not exist: refuse it, naming the id.")
print("add_gold_question: visible tests passed.")
### BEGIN HIDDEN TESTS
base = [{"id": "Q007", "question": "Who owns the claims core?", "answer": "x", "answerable": True,
         "sources": [{"doc_id": "doc-a", "passage": "Travel"}]},
        {"id": "Q120", "question": "What is RTO?", "answer": "x", "answerable": True,
         "sources": [{"doc_id": "doc-a", "passage": "Travel"}]}]
un = check_call(add_gold_question, base, "What is the excess for cyber cover?", None, None, None, texts)
check_equal(un[-1]["id"], "Q121", "the next id follows the LARGEST existing number, not the length.", secret=True)
check_equal((un[-1]["answerable"], un[-1]["sources"], un[-1]["answer"]), (False, [], "not in the documents"),
            "doc_id=None adds an unanswerable question.", secret=True)
check_raises(add_gold_question, base, "  who owns the CLAIMS core? ", "x", "doc-a", "Travel", texts,
             raises=ValueError, contains="already", secret=True,
             hint="the same question in other case or with spaces is a duplicate.")
ok = check_call(add_gold_question, base, "Which plan?", "Basic", "doc-a", "Travel   Basic.", texts, secret=True)
check_equal(ok[-1]["sources"][0]["passage"], "Travel   Basic.", "whitespace differences are allowed; keep the "
            "passage as given.", secret=True)
check_raises(add_gold_question, base, "Which trip?", "x", "doc-a", "per journey", texts, raises=ValueError,
             contains="doc-a", secret=True, hint="a passage that is not in the document is refused.")
check_equal(check_call(add_gold_question, [], "First?", "a", "doc-b", "Other", texts, secret=True)[0]["id"], "Q001",
            "an empty gold set starts at Q001.", secret=True)
import re as _re

from shiplab_checks import case_rng, check_against


def _ref_add(gold, question, answer, doc_id, passage, texts):
    _squash = (lambda t: _re.sub(r"\s+", " ", t).strip())
    if _squash(question).lower() in {_squash(i["question"]).lower() for i in gold}:
        raise ValueError("already")
    _nums = [int(m.group(1)) for i in gold if (m := _re.fullmatch(r"Q(\d+)", str(i.get("id", ""))))]
    _item = {"id": f"Q{max(_nums, default=0) + 1:03d}", "question": question}
    if doc_id is None:
        _item.update(answer="not in the documents", answerable=False, sources=[])
    else:
        if doc_id not in texts or _squash(passage) not in _squash(texts[doc_id]):
            raise ValueError("unknown document or passage")
        _item.update(answer=answer, answerable=True, sources=[{"doc_id": doc_id, "passage": passage}])
    return [*gold, _item]


def _additions(seed, n=150):
    rng = case_rng(seed)
    texts = {"adr-001": "We chose PostgreSQL\nfor the claims core.", "runbook": "Restart   the  worker, then\ncheck."}
    for _ in range(n):
        ids = rng.sample(["Q001", "Q009", "Q010", "Q099", "Q998", "Q999", "Q1000", "X7", "Q12a", "q005"],
                         rng.randint(0, 4))
        gold = [{"id": i, "question": f"Question {i}?", "answer": "a", "answerable": True, "sources": []}
                for i in ids]
        question = rng.choice(["New question?", "  question q001? ", "QUESTION Q001?", "Question  X7?"]
                              + [f"Question {i}?" for i in ids])
        doc_id = rng.choice([None, "adr-001", "runbook", "adr-999", "ADR-001"])
        passage = rng.choice(["chose PostgreSQL for", "Restart the worker, then check.", "the claims core",
                              "PostgreSQL for the claims core.", "not there", "chose  postgresql"])
        yield (gold, question, "an answer", doc_id, passage, texts)


check_against(add_gold_question, _ref_add, list(_additions(59)),
              hint="a new list (gold unchanged); the next id after the largest Q-number (Q999 -> Q1000, at least 3 "
                   "digits); an unknown document, a passage not in its text (whitespace ignored, case not) or a "
                   "question already there (case and spaces ignored) is a ValueError; doc_id=None: unanswerable.")
### END HIDDEN TESTS

# %% [markdown] ex4_text
# ## 4. Index the backlog — with the metadata you will filter and cite by (8 minutes)
#
# Tickets answer questions documents do not ("has this outage happened before?"). Write
# `backlog_documents(items)` turning backlog items (`shiplab.data.BacklogItem`: `.key .summary .description .type
# .status .components .classification .links`) into langchain `Document`s ready for `upsert_chunks`:
#
# - `page_content`: the summary, a blank line, the description stripped of surrounding whitespace (just the summary
#   when the description is empty or only whitespace);
# - `id` **and** `metadata["doc_id"]`: the ticket key; `metadata["title"]`: the summary;
#   `metadata["source"]`: `"backlog"`; `metadata["type"]`, `metadata["status"]`, `metadata["classification"]`: as on
#   the item; `metadata["components"]`: the components joined by `", "` (keep metadata to strings, numbers and booleans:
#   every vector store and every export can hold those, and `$eq`/`$in` filters work on them);
# - leave out tickets that **duplicate** another (a link `("duplicates", <other key>)` in `.links`): the original
#   is indexed, the copy would only crowd the top k.

# %% solution backlog_documents
def backlog_documents(items):
    """Backlog items as langchain Documents with scalar metadata; duplicates of other tickets left out."""
    ### BEGIN SOLUTION
    out = []
    for item in items:
        if any(kind == "duplicates" for kind, _ in item.links):
            continue
        body = item.summary if not item.description.strip() else f"{item.summary}\n\n{item.description.strip()}"
        metadata = {"doc_id": item.key, "title": item.summary, "source": "backlog", "type": item.type,
                    "status": item.status, "classification": item.classification,
                    "components": ", ".join(item.components)}
        out.append(Document(page_content=body, metadata=metadata, id=item.key))
    return out
    ### END SOLUTION

# %% tests test_backlog_documents points=3
# Visible tests: run me. 40 tickets of the sample Jira backlog go into a store of their own.
from shiplab.data import BacklogItem

sample_backlog = load_sample_backlog("jira")
some = sample_backlog[100:140]
docs = check_call(backlog_documents, some)
first = docs[0]
check_equal(first.id, some[0].key, "the ticket key is the document id (so re-indexing replaces, not duplicates).",
            label="id")
check_equal(first.metadata.get("doc_id"), some[0].key, label='metadata["doc_id"]',
            hint="doc_id is what evaluation and citations use.")
check_equal(first.metadata.get("source"), "backlog", label='metadata["source"]')
check_equal(first.page_content.split("\n\n")[0], some[0].summary, label="first paragraph",
            hint="page_content starts with the summary.")
is_copy = lambda item: any(kind == "duplicates" for kind, _ in item.links)
check_equal([d.id for d in docs if where_matches({"type": "Bug"}, d.metadata)],
            [i.key for i in some if i.type == "Bug" and not is_copy(i)], label="tickets a filter on type keeps",
            hint='metadata["type"] holds the ticket type, so the chromadb filter where={"type": "Bug"} keeps exactly the bugs '
                 '(duplicates of other tickets are left out).')
_spaced = BacklogItem(key="NVA-8000", summary="Export CSV", description="  Add an export.\n", type="Story",
                      status="Open", components=[], classification="internal", links=[])
check_equal(check_call(backlog_documents, [_spaced])[0].page_content, "Export CSV\n\nAdd an export.",
            label="page_content of a description with spaces around it",
            hint="the description is stripped of surrounding whitespace (spaces, line breaks) before it is joined.")
print("backlog_documents: visible tests passed.")
### BEGIN HIDDEN TESTS
dup = BacklogItem(key="NVA-9001", summary="Login fails", description="Same as NVA-9000.", type="Bug",
                  status="Done", components=["Customer Portal", "Broker API"], classification="internal",
                  links=[("duplicates", "NVA-9000")])
orig = BacklogItem(key="NVA-9000", summary="Cannot log in", description="  ", type="Bug", status="Open",
                   components=["Customer Portal", "Broker API"], classification="restricted",
                   links=[("is duplicated by", "NVA-9001")])
bare = BacklogItem(key="NVA-9002", summary="Export CSV", description="Add an export.\n", type="Story",
                   status="To Do", components=[], classification="internal", links=[("relates to", "NVA-1")])
got = check_call(backlog_documents, [dup, orig, bare], secret=True)
check_equal([d.id for d in got], ["NVA-9000", "NVA-9002"], "leave out the duplicate, keep the original (and "
            "tickets with other links), in the order given.", secret=True)
check_equal(got[0].page_content, "Cannot log in", "no description: the summary alone.", secret=True)
check_equal(got[1].page_content, "Export CSV\n\nAdd an export.", "summary, blank line, description.", secret=True)
check_equal(got[0].metadata.get("components"), "Customer Portal, Broker API",
            "components joined by ', '.", secret=True)
check_equal(got[0].metadata.get("classification"), "restricted",
            "keep each ticket's own classification.", secret=True)
check_equal((got[0].metadata.get("status"), got[0].metadata.get("title"), got[1].metadata.get("type")),
            ("Open", "Cannot log in", "Story"), "status, title (= summary) and type as on the ticket.", secret=True)
check_equal(got[1].metadata.get("components"), "", "no components: an empty string.", secret=True)
for d in got:  # every value scalar
    check_equal(all(isinstance(v, (str, int, float, bool)) for v in d.metadata.values()), True,
                "every metadata value must be a string, number or boolean.", secret=True)
more = sample_backlog[300:340]
kept = [d.id for d in check_call(backlog_documents, more, secret=True)
        if where_matches({"$and": [{"source": "backlog"}, {"type": "Story"}]}, d.metadata)]
check_equal(kept, [i.key for i in more if i.type == "Story" and not is_copy(i)],
            "filters on source and type must work on every ticket.", secret=True)
from shiplab_checks import case_rng, check_against


def _ref_backlog(items):
    _out = []
    for _i in items:
        if any(kind == "duplicates" for kind, _ in _i.links):
            continue
        _body = _i.summary if not _i.description.strip() else f"{_i.summary}\n\n{_i.description.strip()}"
        _out.append(Document(page_content=_body, id=_i.key, metadata={
            "doc_id": _i.key, "title": _i.summary, "source": "backlog", "type": _i.type, "status": _i.status,
            "classification": _i.classification, "components": ", ".join(_i.components)}))
    return _out


def _tickets(seed, n=80):
    rng = case_rng(seed)
    for case in range(n):
        items = []
        for k in range(rng.randint(0, 5)):
            links = rng.sample([("duplicates", "NVA-1"), ("is duplicated by", "NVA-2"), ("relates to", "NVA-3"),
                                ("blocks", "NVA-4")], rng.randint(0, 2))
            items.append(BacklogItem(key=f"NVA-{case}{k}", summary=rng.choice(["Login fails", "Payment twice"]),
                                     description=rng.choice(["", "  ", "\n", " Steps: open it. ", "Plain."]),
                                     type=rng.choice(["Bug", "Story"]), status=rng.choice(["Open", "Done"]),
                                     components=rng.sample(["Portal", "Billing", "Claims"], rng.randint(0, 2)),
                                     classification=rng.choice(["internal", "confidential"]), links=links))
        yield (items,)


check_against(backlog_documents, _ref_backlog, list(_tickets(61)),
              compare=lambda a, e: [(d.page_content, d.id, d.metadata) for d in a]
              == [(d.page_content, d.id, d.metadata) for d in e],
              hint="summary, a blank line, the stripped description (the summary alone when the description is "
                   "empty or only whitespace); id and doc_id the key; scalar metadata; only tickets that duplicate "
                   "another are left out (not the ones duplicated, blocked or related).")
### END HIDDEN TESTS

# %% [markdown] ex5_text
# ## 5. Hybrid search: reciprocal rank fusion (10 minutes)
#
# BM25 finds exact words (`NV-MOT`, "subrogation"); vectors find paraphrases. Their scores are on different scales,
# so we fuse **ranks**: in *reciprocal rank fusion* (Cormack et al. 2009) an id ranked r-th (r from **1**) in one list
# gets `1 / (k + r)` from that list, summed over all lists; an id repeated within one list counts only at its best
# (first) rank there.
#
# Write `rrf(rankings, k=60, top_n=5)`: `rankings` is a list of ranked id lists; return the `top_n` ids with the
# highest fused score, best first; **ties keep the order in which ids were first seen** (list by list, rank by rank).

# %% solution rrf
def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    ### BEGIN SOLUTION
    scores = {}
    for ranking in rankings:
        seen = set()
        for rank, key in enumerate(ranking, start=1):
            if key in seen:
                continue
            seen.add(key)
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores, key=lambda key: (-scores[key], order[key]))[:top_n]
    ### END SOLUTION

# %% tests test_rrf points=3
# Visible tests: run me.
check_returns(rrf, [["a", "b", "c"], ["c", "a", "d"]], top_n=3, expected=["a", "c", "b"],
              hint="a: 1/61 + 1/62, c: 1/63 + 1/61, b: 1/62 - sum each id's 1/(k+rank), rank from 1.")
check_returns(rrf, [["a", "b"], ["b", "a"]], top_n=2, expected=["a", "b"],
              hint="a and b tie; ties keep the order ids were first seen.")
check_returns(rrf, [["x", "y", "z"]], top_n=2, expected=["x", "y"], hint="return only top_n ids.")
print("rrf: visible tests passed.")
### BEGIN HIDDEN TESTS
check_returns(rrf, [["a", "b", "c", "d"], ["d"]], k=1, top_n=2, expected=["d", "a"], secret=True,
              hint="k is a parameter: with k=1, d gets 1/5 + 1/2 and beats a's 1/2.")
check_returns(rrf, [["a", "a", "b"], ["b", "c"]], top_n=3, expected=["b", "a", "c"], secret=True,
              hint="an id repeated within one list counts once, at its first rank.")
check_returns(rrf, [["p", "q"], ["r", "s"], ["s", "r"]], top_n=4, expected=["r", "s", "p", "q"], secret=True,
              hint="scores add up over lists; ties in first-seen order.")
check_returns(rrf, [["a", "b"], ["x", "y", "b"]], k=1, top_n=2, expected=["b", "a"], secret=True,
              hint="ranks count from 1: with k=1, b gets 1/3 + 1/4 and beats a's and x's 1/2.")
check_returns(rrf, [["b", "a"], ["a", "b"]], top_n=2, expected=["b", "a"], secret=True,
              hint="a tie keeps the order in which the ids were first seen (not alphabetical).")
check_returns(rrf, [], top_n=3, expected=[], secret=True, hint="no rankings: an empty list.")
check_returns(rrf, [["a", "b", "c"], ["c", "b", "a"]], top_n=10, expected=["a", "c", "b"], secret=True,
              hint="top_n larger than the number of ids: all of them.")
from shiplab_checks import case_rng, check_against


def _ref_rrf(rankings, k=60, top_n=5):
    _scores = {}
    for _ranking in rankings:
        _seen = set()
        for _r, _key in enumerate(_ranking, start=1):
            if _key not in _seen:
                _seen.add(_key)
                _scores[_key] = _scores.get(_key, 0.0) + 1.0 / (k + _r)
    _order = {key: i for i, key in enumerate(_scores)}
    return sorted(_scores, key=lambda key: (-_scores[key], _order[key]))[:top_n]


def _fusions(seed, n=200):
    rng = case_rng(seed)
    ids = ["a", "b", "c", "d", "e", "Q999", "Q1000"]
    for _ in range(n):  # one or two lists: a sum of two terms is the same in any order, so ties are exact
        lists = [[rng.choice(ids) for _ in range(rng.randint(0, 6))] for _ in range(rng.randint(0, 2))]
        yield lists, rng.choice([60, 1, 0, 5]), rng.choice([0, 1, 3, 5, 10])


check_against(rrf, _ref_rrf, list(_fusions(47)),
              hint="1 / (k + rank) per list, rank from 1, an id repeated within a list only at its first rank; the "
                   "top_n highest sums, ties in the order ids were first seen (list by list, rank by rank).")
### END HIDDEN TESTS

# %% free chunking
# Explore: tune the chunking. BM25 needs no embeddings, so a sweep takes seconds; confirm the winner with vectors.
settings = [("fixed", {"size": 300, "overlap": 50}), ("fixed", {"size": 800, "overlap": 100}),
            ("fixed", {"size": 1600, "overlap": 200}), ("recursive", {"size": 800, "overlap": 100}),
            ("heading", {})]
for chunker, params in settings:
    pieces = chunk_documents(documents, chunker, **params)
    result = evaluate_retriever(BM25Retriever(pieces, k=5).invoke, gold, k=5)
    print(f"{chunker:>9} {str(params):<30} {len(pieces):>4} chunks  recall@5={result['recall']:.3f}  "
          f"MRR={result['mrr']:.3f}")
# Small chunks: precise vectors, but the answer's context is cut away. Large chunks: the right document, diluted.
# Which would you ship? Recall@5 by document is not everything: lab 5 needs the passage inside the chunk.

# %% [markdown] ex6_text
# ## 6. Only what your clearance allows (5 minutes)
#
# Every chunk carries the `classification` of its document: `public < internal < confidential < restricted`
# (restricted = personal data inside). A user cleared for *internal* may see public and internal chunks, never
# confidential ones. Filter **in the query** (chromadb's `where`), not after: a filter after the top k returns fewer
# than k results, or none.
#
# Write `allowed_filter(clearance)` returning a chromadb `where` filter that keeps chunks whose `classification` is at
# or below `clearance` (any case, surrounding spaces allowed). An unknown clearance is a `ValueError` naming it.
# Example: `VectorRetriever(store=store, k=5, where=allowed_filter("internal"))`.

# %% solution allowed_filter
CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    ### BEGIN SOLUTION
    level = str(clearance).strip().lower()
    if level not in CLASSES:
        raise ValueError(f"unknown clearance {clearance!r}: use one of {', '.join(CLASSES)}")
    return {"classification": {"$in": CLASSES[: CLASSES.index(level) + 1]}}
    ### END SOLUTION

# %% tests test_allowed_filter points=2
# Visible tests: run me. Which classes of chunks does your filter let through, over all chunks of the sample?
def classes_kept(clearance):
    where = check_call(allowed_filter, clearance)
    return {c.metadata["classification"] for c in chunks if where_matches(where, c.metadata)}

check_equal(classes_kept("internal"), {"public", "internal"}, label='classes kept for clearance "internal"',
            hint="internal clearance: public and internal chunks, never confidential or restricted.")
check_raises(allowed_filter, "secret", raises=ValueError, contains="secret", hint="unknown clearance: ValueError.")
print("allowed_filter: visible tests passed.")
### BEGIN HIDDEN TESTS
check_equal(classes_kept(" PUBLIC "), {"public"},
            "public clearance: public only (case and spaces do not matter).", secret=True)
check_equal(classes_kept("Confidential"), {"public", "internal", "confidential"},
            "confidential clearance: everything up to and including confidential.", secret=True)
check_equal(classes_kept("restricted"), {"public", "internal", "confidential", "restricted"},
            "restricted clearance sees everything.", secret=True)
check_raises(allowed_filter, "", raises=ValueError, secret=True, hint="an empty clearance is unknown.")
from shiplab_checks import case_rng

from chromadb.api.types import validate_where as _validate_where

_metas = [{"classification": c} for c in CLASSES] + [{}, {"classification": "Internal"}, {"classification": None},
                                                      {"classification": "secret"}]
_rng = case_rng(109)
for _c in ["public", "internal", "confidential", "restricted", " Internal ", "PUBLIC\n", "\tconfidential "]:
    _where = check_call(allowed_filter, _c)
    try:
        _validate_where(_where)
    except ValueError as _exc:
        raise AssertionError(f"chromadb refuses the filter {_where!r}: {_exc}") from None
    _level = CLASSES.index(_c.strip().lower())
    check_equal([where_matches(_where, m) for m in _metas],
                [m.get("classification") in CLASSES[:_level + 1] for m in _metas],
                label=f"which chunks allowed_filter({_c!r}) keeps",
                hint="only chunks whose classification is one of the classes at or below the clearance: a chunk "
                     "with no, another or an unknown classification is never kept.")
for _c in ["TopSecret", " Secret ", "internal-ish", "none"]:
    check_raises(allowed_filter, _c, raises=ValueError, contains=_c.strip(),
                 hint="an unknown clearance is a ValueError that names it as it was given.")
### END HIDDEN TESTS

# %% free filtered
# Explore: the filter in a real chromadb query. Ask about something confidential with internal clearance.
question = "GDPR Art. 33 assessment after the outage"
for clearance in ("internal", "restricted"):
    hits_seen = VectorRetriever(store=store, k=4, where=allowed_filter(clearance)).invoke(question)
    print(clearance, "->", [(c.metadata["doc_id"], c.metadata["classification"]) for c in hits_seen])

# %% [markdown] my_case_text
# ## 7. Apply to my case: a gold set on your own corpus (required, 15 minutes)
#
# Your numbers above are Nordlicht's. The only recall that will matter after the workshop is the one on **your**
# documents, for the case you picked in lab 1. Your own corpus is `~/documents/` (the documents you brought for
# lab 2; add more now if your case needs them). In the cell below:
#
# 1. read them with `my_documents(limit=200)` and keep their texts by id (`my_texts = {d.id: d.text for d in ...}`);
# 2. write **at least 15 questions your users would ask**, as they would ask them, each with the answer and the
#    passage that holds it, copied from `my_texts["<doc id>"]` (add unanswerable ones, `doc_id=None`, on top);
# 3. build `my_gold` with **your** `add_gold_question` (so every passage is checked against your document);
# 4. index your documents (`chunk_documents(my_docs, "heading")`) and print `evaluate_retriever` with BM25 on
#    `my_gold`: that recall@5 is your baseline for lab 5;
# 5. end with `MY_CASE_ROWS = record_part("lab4-retrieval", my_gold)`.
#
# ```python
# MY_QUESTIONS = [  # (question, answer, doc id, passage) — or (question, None, None, None) if not in the documents
#     ("How long do we keep a closed refund request?", "two years", "retention.md", "closed requests are kept for two years"),
# ]
# ```
#
# The record (`my-case.json` next to this notebook, handed in with *Submit*, and `~/shiplab-case/lab4-retrieval.json`,
# which lab 5 reads to evaluate your chain) keeps your gold items as `add_gold_question` returns them.
#
# **What the check tests (completion, not quality; 1 point, shown to your instructor as "my case: done"):** at
# least 15 different questions, each with an `id`, a `question` and `answerable`; none of them a question of the
# sample gold set, and none whose sources are all sample documents (the hidden part checks that at least one
# question is answerable, i.e. has a source passage).

# %% solution my_case_work
from shiplab.course.mycase import my_documents, record_part

### BEGIN SOLUTION
my_docs = my_documents(limit=200)
my_texts = {d.id: d.text for d in my_docs}
MY_QUESTIONS = [(f"What does request {d.id} ask for?", d.text.split()[0], d.id, " ".join(d.text.split()[:6]))
                for d in my_docs][:15]  # a real set is written by hand, as your users ask
my_gold = []
for question, answer, doc_id, passage in MY_QUESTIONS:
    my_gold = add_gold_question(my_gold, question, answer, doc_id, passage, my_texts)
if my_gold:
    my_chunks = chunk_documents(my_docs, "heading")
    print("baseline, BM25 on my corpus:", evaluate_retriever(BM25Retriever(my_chunks, k=5).invoke, my_gold, k=5))
MY_CASE_ROWS = record_part("lab4-retrieval", my_gold)
### END SOLUTION

# %% tests my_case points=1
# The completion check: run me. "my case not done: ..." says what is still missing.
from shiplab.course.mycase import check_part

print(check_part("lab4-retrieval", MY_CASE_ROWS))
### BEGIN HIDDEN TESTS
from shiplab_checks import check_that

check_that(any(r.get("answerable") and r.get("sources") for r in MY_CASE_ROWS),
           "my case not done: none of your gold questions has a source passage in your documents.",
           hint="give most questions a doc id and a passage copied from my_texts; add unanswerable ones on top.")
### END HIDDEN TESTS

# %% [markdown] wrap_up
# ## Wrap-up (4 minutes)
#
# Write down, for your own use case: which retriever you would ship (your baseline recall from part 7, and the
# sample's numbers above), the chunking, the `k`, and the metric you will watch after launch. You will need them in lab 5 (the answers) and lab 6 (the ship plan).
#
# Then press *Validate* and submit in the *Assignments* tab.
