# wrong because: lower-cases the clearance but does not strip it; the task says surrounding spaces are allowed too.
# counterexample: allowed_filter("internal\n") (or " internal") must return a filter keeping public and internal chunks; this raises ValueError.
CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    level = clearance.lower()
    if level not in CLASSES:
        raise ValueError(f"unknown clearance {clearance!r}")
    return {"classification": {"$in": CLASSES[: CLASSES.index(level) + 1]}}
