# wrong because: labels each chunk with its document id (when it holds some source) instead of the source number, so two sources in the same document collapse into one relevant label; the task says the relevant labels are the source numbers.
# counterexample: gold = [{"id": "P", "question": "q", "answerable": True, "sources": [{"doc_id": "d", "passage": "alpha"}, {"doc_id": "d", "passage": "beta"}]}], retrieve = lambda q: [Document(page_content="alpha", metadata={"doc_id": "d"})] -> recall must be 0.5 (one of two sources); this gives 1.0.
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    scored = [q for q in gold if q.get("answerable") and q.get("sources")]
    if not scored:
        raise ValueError("no answerable question in the gold set")
    recalls, rrs, misses = [], [], []
    for q in scored:
        sources = q["sources"]
        top = list(retrieve(q["question"]))[:k]
        labels = [c.metadata.get("doc_id") if any(holds(c, s) for s in sources) else None for c in top]
        relevant = {s["doc_id"] for s in sources}
        r = recall_at_k(labels, relevant, k)
        recalls.append(r)
        rrs.append(reciprocal_rank(labels, relevant, k))
        if r == 0:
            misses.append(q["id"])
    n = len(scored)
    return {"recall": sum(recalls) / n, "mrr": sum(rrs) / n, "questions": n, "misses": misses}
