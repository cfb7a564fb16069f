# wrong because: sorts the misses by id; the task asks for them in gold order (the order of the gold list, which need not be sorted).
# counterexample: gold = [{"id": "Q010", "question": "q1", "answerable": True, "sources": [{"doc_id": "d", "passage": "alpha"}]}, {"id": "Q002", "question": "q2", "answerable": True, "sources": [{"doc_id": "d", "passage": "beta"}]}], retrieve = lambda q: [Document(page_content="gamma", metadata={"doc_id": "d"})] -> misses must be ["Q010", "Q002"]; this gives ["Q002", "Q010"].
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    scored = [q for q in gold if q.get("answerable") and q.get("sources")]
    if not scored:
        raise ValueError("no answerable question in the gold set")
    recalls, rrs, misses = [], [], set()
    for q in scored:
        sources = q["sources"]
        top = list(retrieve(q["question"]))[:k]
        labels = [next((j for j, s in enumerate(sources) if holds(c, s)), None) for c in top]
        relevant = set(range(len(sources)))
        r = recall_at_k(labels, relevant, k)
        recalls.append(r)
        rrs.append(reciprocal_rank(labels, relevant, k))
        if r == 0:
            misses.add(q["id"])
    n = len(scored)
    return {"recall": sum(recalls) / n, "mrr": sum(rrs) / n, "questions": n, "misses": sorted(misses)}
