def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    if not relevant:
        raise ValueError("no relevant documents")
    if k < 1:
        raise ValueError("k must be at least 1")
    hits = sum(1 for doc_id in retrieved[:k] if doc_id in relevant)
    return min(1.0, hits / len(relevant))
