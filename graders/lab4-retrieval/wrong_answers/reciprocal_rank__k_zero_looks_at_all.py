# wrong because: tests `if k:` instead of `k is not None`, so k=0 is treated like "no k" and the whole list is searched; with k=0 the first 0 ids hold nothing relevant.
# counterexample: reciprocal_rank(["adr-001"], {"adr-001"}, k=0) must be 0.0; this returns 1.0.
def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    ids = retrieved[:k] if k else retrieved
    for rank, doc_id in enumerate(ids, start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0
