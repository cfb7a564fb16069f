# wrong because: with no answerable question it returns an all-zero report instead of raising ValueError, as the task demands (a 0.0 recall from nothing looks like a real, terrible score).
# counterexample: evaluate_retriever(lambda q: [], [{"id": "U", "question": "q", "answerable": False, "sources": []}]) must raise ValueError; this returns {"recall": 0.0, "mrr": 0.0, "questions": 0, "misses": []}.
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    scored = [q for q in gold if q.get("answerable") and q.get("sources")]
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
    return {"recall": sum(recalls) / n if n else 0.0, "mrr": sum(rrs) / n if n else 0.0, "questions": n,
            "misses": misses}
