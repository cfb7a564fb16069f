def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    relevant = set(relevant)
    if not relevant:
        return 0.0
    return len(relevant & set(retrieved[:k])) / len(relevant)
