def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    for rank, doc_id in enumerate(retrieved, start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0
