# wrong because: filters only on "has sources", so an item marked "answerable": False that still lists sources is scored; the task says unanswerable questions are left out (and so are questions without sources).
# counterexample: gold = [{"id": "A", "question": "q", "answerable": True, "sources": [{"doc_id": "d", "passage": "alpha"}]}, {"id": "U", "question": "q2", "answerable": False, "sources": [{"doc_id": "d", "passage": "beta"}]}], retrieve = lambda q: [Document(page_content="alpha", metadata={"doc_id": "d"})], k=5 -> must be {"recall": 1.0, "mrr": 1.0, "questions": 1, "misses": []}; this gives recall 0.5, questions 2, misses ["U"].
def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    scored = [q for q in gold if q.get("sources")]
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
