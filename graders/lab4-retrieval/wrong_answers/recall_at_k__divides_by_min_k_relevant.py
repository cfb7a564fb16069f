# wrong because: divides by min(k, number of relevant documents) ("R-precision style"), so when k is below the number of relevant documents recall is overstated; the task defines recall as the share of *the relevant documents*.
# counterexample: recall_at_k(["adr-001", "adr-002"], {"adr-001", "adr-002", "adr-003"}, 1) must be 1/3; this returns 1.0.
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    relevant = set(relevant)
    if not relevant:
        raise ValueError("no relevant documents: recall is undefined")
    if k < 1:
        raise ValueError("k must be at least 1")
    found = relevant & set(retrieved[:k])
    return len(found) / min(k, len(relevant))
