# wrong because: treats k larger than the retrieved list as an error; the task only forbids k < 1 — with fewer than k ids, the first k are simply all of them.
# counterexample: recall_at_k(["adr-001"], {"adr-001"}, 5) must be 1.0; this raises ValueError.
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("no relevant documents: recall is undefined")
    if k < 1 or k > len(retrieved):
        raise ValueError(f"k must be between 1 and {len(retrieved)}")
    found = relevant & set(retrieved[:k])
    return len(found) / len(relevant)
