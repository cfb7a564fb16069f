# wrong because: never lets restricted chunks through, even for a user cleared for restricted; the task says keep chunks at or below the clearance (restricted clearance sees everything).
# counterexample: allowed_filter("restricted") must keep restricted chunks (classes kept = all four); this keeps only public, internal and confidential.
CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    level = clearance.strip().lower()
    if level not in CLASSES:
        raise ValueError(f"unknown clearance {clearance!r}")
    allowed = [c for c in CLASSES[: CLASSES.index(level) + 1] if c != "restricted"]  # personal data: never
    return {"classification": {"$in": allowed}}
