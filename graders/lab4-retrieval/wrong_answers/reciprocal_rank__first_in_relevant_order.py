# wrong because: walks the *relevant* ids and returns the rank of the first one that was retrieved, not the rank of the first relevant id in the ranking; with several relevant ids the result depends on their order in `relevant`.
# counterexample: reciprocal_rank(["adr-002", "adr-001"], ["adr-001", "adr-002"]) must be 1.0 (adr-002 is relevant and 1st); this returns 0.5.
def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    ids = list(retrieved if k is None else retrieved[:k])
    for doc_id in relevant:
        if doc_id in ids:
            return 1.0 / (ids.index(doc_id) + 1)
    return 0.0
