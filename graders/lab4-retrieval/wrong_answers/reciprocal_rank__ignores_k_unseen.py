# wrong because: never cuts the list at k, so a relevant id beyond the first k still scores; the task says "looking only at the first k ids when k is given" (MRR@k).
# counterexample: reciprocal_rank(["adr-002", "adr-001"], {"adr-001"}, k=1) must be 0.0; this returns 0.5.
def reciprocal_rank(retrieved, relevant, k=None):
    """1 / rank (from 1) of the first relevant id within the first k (all when k is None); 0.0 if none."""
    for rank, doc_id in enumerate(retrieved, start=1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0
