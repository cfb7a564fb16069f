# wrong because: looks the clearance up exactly as given; the task says any case and surrounding spaces are allowed.
# counterexample: allowed_filter(" Internal ") must return a filter keeping public and internal chunks; this raises ValueError.
CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    if clearance not in CLASSES:
        raise ValueError(f"unknown clearance {clearance!r}")
    return {"classification": {"$in": CLASSES[: CLASSES.index(clearance) + 1]}}
