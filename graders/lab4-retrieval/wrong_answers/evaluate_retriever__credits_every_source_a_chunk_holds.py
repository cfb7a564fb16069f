# wrong because: credits a chunk with *every* source it holds, while the task says to label each chunk with the number of the *first* source it holds (one label per chunk); a single chunk holding two passages then counts for both.
# counterexample: gold = [{"id": "P", "question": "q", "answerable": True, "sources": [{"doc_id": "d", "passage": "alpha"}, {"doc_id": "d", "passage": "beta"}]}], retrieve = lambda q: [Document(page_content="alpha beta", metadata={"doc_id": "d"})] -> by the task's labelling recall is 0.5 (label 0 only); this gives 1.0.
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    scored = [q for q in gold if q.get("answerable") and q.get("sources")]
    if not scored:
        raise ValueError("no answerable question in the gold set")
    recalls, rrs, misses = [], [], []
    for q in scored:
        sources = q["sources"]
        top = list(retrieve(q["question"]))[:k]
        labels = []
        for c in top:
            held = [j for j, s in enumerate(sources) if holds(c, s)]
            labels.extend(held if held else [None])
        relevant = set(range(len(sources)))
        r = recall_at_k(labels, relevant, len(labels) or 1)
        first = next((i for i, c in enumerate(top) if any(holds(c, s) for s in sources)), None)
        recalls.append(r)
        rrs.append(0.0 if first is None else 1.0 / (first + 1))
        if r == 0:
            misses.append(q["id"])
    n = len(scored)
    return {"recall": sum(recalls) / n, "mrr": sum(rrs) / n, "questions": n, "misses": misses}
