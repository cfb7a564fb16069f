# wrong because: filters only on the "answerable" flag, so an answerable item without sources reaches recall_at_k, which raises; the task says questions without sources are left out too.
# counterexample: gold = [{"id": "A", "question": "q", "answerable": True, "sources": [{"doc_id": "d", "passage": "alpha"}]}, {"id": "B", "question": "q2", "answerable": True, "sources": []}], retrieve = lambda q: [Document(page_content="alpha", metadata={"doc_id": "d"})] -> must be {"recall": 1.0, "mrr": 1.0, "questions": 1, "misses": []}; this raises ValueError.
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    scored = [q for q in gold if q["answerable"]]
    if not scored:
        raise ValueError("no answerable question in the gold set")
    recalls, rrs, misses = [], [], []
    for q in scored:
        sources = q["sources"]
        top = list(retrieve(q["question"]))[:k]
        labels = [next((j for j, s in enumerate(sources) if holds(c, s)), None) for c in top]
        relevant = set(range(len(sources)))
        r = recall_at_k(labels, relevant, k)
        recalls.append(r)
        rrs.append(reciprocal_rank(labels, relevant, k))
        if r == 0:
            misses.append(q["id"])
    n = len(scored)
    return {"recall": sum(recalls) / n, "mrr": sum(rrs) / n, "questions": n, "misses": misses}
