# wrong because: builds {"$or": [{"classification": c}, ...]}; for clearance "public" that is an $or of a single condition, which chromadb rejects (an $or needs at least two expressions), so the query fails instead of filtering. The task asks for a chromadb where filter.
# counterexample: VectorRetriever(store=store, k=3, where=allowed_filter("public")).invoke("travel") must return public chunks; with this filter chromadb raises an error.
CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    level = clearance.strip().lower()
    if level not in CLASSES:
        raise ValueError(f"unknown clearance {clearance!r}")
    return {"$or": [{"classification": c} for c in CLASSES[: CLASSES.index(level) + 1]]}
