# wrong because: divides by len(relevant) of the list as given, so a relevant list that names a document twice counts it as two documents; the task asks for the share of the relevant *documents* (a list or a set of ids).
# counterexample: recall_at_k(["adr-001"], ["adr-001", "adr-001"], 1) must be 1.0; this returns 0.5.
def recall_at_k(retrieved, relevant, k):
    """Share of the relevant document ids found in the first k retrieved ids."""
    if len(relevant) == 0:
        raise ValueError("no relevant documents: recall is undefined")
    if k < 1:
        raise ValueError("k must be at least 1")
    found = set(retrieved[:k]) & set(relevant)
    return len(found) / len(relevant)
