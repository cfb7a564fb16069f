CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    if clearance not in CLASSES:
        raise ValueError(f"unknown clearance {clearance!r}")
    return {"classification": {"$in": CLASSES[: CLASSES.index(clearance) + 1]}}
