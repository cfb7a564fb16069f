# wrong because: removes repeated ids *before* taking the first k, so it looks beyond the first k retrieved ids; the task says only the first k retrieved ids (which may repeat) count. In evaluate_retriever the labels repeat (None, None, ...) and this would look far beyond k chunks.
# counterexample: recall_at_k(["adr-002", "adr-002", "adr-001"], {"adr-001"}, 2) must be 0.0 (adr-001 is 3rd); this returns 1.0.
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("no relevant documents: recall is undefined")
    if k < 1:
        raise ValueError("k must be at least 1")
    unique = list(dict.fromkeys(retrieved))
    found = relevant & set(unique[:k])
    return len(found) / len(relevant)
