def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("no relevant documents")
    if k < 1:
        raise ValueError("k must be at least 1")
    found = [d for d in retrieved[:k] if d in relevant]
    return len(found) / k
