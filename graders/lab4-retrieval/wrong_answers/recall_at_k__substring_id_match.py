# wrong because: tests each relevant id as a substring of the retrieved ids instead of exact equality, so adr-001 is "found" in adr-0010 (or in runbook-adr-001).
# counterexample: recall_at_k(["adr-0010"], {"adr-001"}, 1) must be 0.0; this returns 1.0.
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("no relevant documents: recall is undefined")
    if k < 1:
        raise ValueError("k must be at least 1")
    found = [rel for rel in relevant if any(str(rel) in str(doc_id) for doc_id in retrieved[:k])]
    return len(found) / len(relevant)
