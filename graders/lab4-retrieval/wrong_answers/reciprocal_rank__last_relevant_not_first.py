# wrong because: the loop has no break, so the score of the *last* relevant position wins instead of the first relevant id.
# counterexample: reciprocal_rank(["adr-001", "adr-002", "adr-001"], {"adr-001"}) must be 1.0; this returns 1/3.
def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    ids = retrieved if k is None else retrieved[:k]
    score = 0.0
    for i, doc_id in enumerate(ids):
        if doc_id in relevant:
            score = 1.0 / (i + 1)
    return score
