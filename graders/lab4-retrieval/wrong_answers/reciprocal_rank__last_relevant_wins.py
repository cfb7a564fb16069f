def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    window = retrieved if k is None else retrieved[:k]
    rr = 0.0
    for rank, doc_id in enumerate(window, start=1):
        if doc_id in set(relevant):
            rr = 1.0 / rank
    return rr
