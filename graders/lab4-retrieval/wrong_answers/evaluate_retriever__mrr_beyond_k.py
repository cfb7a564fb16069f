def evaluate_retriever(retrieve, gold, k=5):
    """Mean recall@k and MRR@k of `retrieve` over the answerable gold questions, and the ids of the misses."""
    recalls, rrs, misses = [], [], []
    for item in gold:
        sources = item.get("sources") or []
        if not item.get("answerable", True) or not sources:
            continue
        top = list(retrieve(item["question"]))
        labels = [next((j for j, source in enumerate(sources) if holds(chunk, source)), None) for chunk in top]
        relevant = set(range(len(sources)))
        recall = recall_at_k(labels, relevant, k)
        recalls.append(recall)
        rrs.append(reciprocal_rank(labels, relevant))  # MRR looks at the whole list
        if recall == 0:
            misses.append(item["id"])
    if not recalls:
        raise ValueError("the gold set has no answerable question with sources to score")
    return {"recall": sum(recalls) / len(recalls), "mrr": sum(rrs) / len(rrs), "questions": len(recalls),
            "misses": misses}
