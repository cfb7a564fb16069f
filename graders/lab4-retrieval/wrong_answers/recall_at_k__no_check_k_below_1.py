# wrong because: the task says "`k < 1` is a `ValueError` too", but this version never checks k, so k=0 (or -3) quietly returns 0.0.
# counterexample: recall_at_k(["adr-001"], {"adr-001"}, 0) must raise ValueError; this returns 0.0.
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("no relevant documents: recall is undefined")
    found = relevant & set(retrieved[:k])
    return len(found) / len(relevant)
