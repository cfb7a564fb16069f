# wrong because: lists a question as a miss whenever its recall is below 1 (some source not found); the task says misses are the questions whose recall@k is 0.
# counterexample: gold = [{"id": "P", "question": "q", "answerable": True, "sources": [{"doc_id": "d", "passage": "alpha"}, {"doc_id": "d", "passage": "beta"}]}], retrieve = lambda q: [Document(page_content="alpha", metadata={"doc_id": "d"})] -> misses must be [] (recall 0.5); this gives ["P"].
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    scored = [q for q in gold if q.get("answerable") and q.get("sources")]
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
        if r < 1:
            misses.append(q["id"])
    n = len(scored)
    return {"recall": sum(recalls) / n, "mrr": sum(rrs) / n, "questions": n, "misses": misses}
