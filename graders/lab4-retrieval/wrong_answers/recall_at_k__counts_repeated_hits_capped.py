# wrong because: counts every retrieved position that is relevant (capped at 1.0) instead of the share of distinct relevant *documents* found; a document that comes back in several chunks is counted several times ("they count once").
# counterexample: recall_at_k(["adr-001", "adr-001"], {"adr-001", "adr-005"}, 2) must be 0.5 (one of two documents); this returns 1.0.
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    if not relevant:
        raise ValueError("no relevant documents: recall is undefined")
    if k < 1:
        raise ValueError("k must be at least 1")
    hits = sum(1 for doc_id in retrieved[:k] if doc_id in relevant)
    return min(1.0, hits / len(relevant))
