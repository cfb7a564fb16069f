# wrong because: copies recall's ValueError for an empty relevant set; the task says reciprocal rank is 0.0 when none is relevant.
# counterexample: reciprocal_rank(["adr-001"], set()) must be 0.0; this raises ValueError.
def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    if not relevant:
        raise ValueError("no relevant documents: reciprocal rank is undefined")
    ids = retrieved if k is None else retrieved[:k]
    for rank, doc_id in enumerate(ids, start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0
