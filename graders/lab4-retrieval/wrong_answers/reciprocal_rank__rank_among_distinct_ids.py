# wrong because: drops repeated ids before ranking, so the rank is the position among distinct ids, not the position in the retrieved list (in evaluate_retriever the None labels collapse and a 3rd chunk becomes "rank 2").
# counterexample: reciprocal_rank(["adr-002", "adr-002", "adr-001"], {"adr-001"}) must be 1/3; this returns 0.5.
def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    ids = retrieved if k is None else retrieved[:k]
    for rank, doc_id in enumerate(dict.fromkeys(ids), start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0
