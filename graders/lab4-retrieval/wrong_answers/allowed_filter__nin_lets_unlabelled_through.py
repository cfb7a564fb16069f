# wrong because: excludes the classes *above* the clearance ($nin) instead of keeping the classes at or below it ($in), so a chunk without a classification (or with a misspelt/unknown one) gets through; the task says keep chunks whose classification is at or below the clearance.
# counterexample: where_matches(allowed_filter("internal"), {"doc_id": "x"}) (no classification) must be False; this gives True (and likewise for classification "secret").
CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    level = clearance.strip().lower()
    if level not in CLASSES:
        raise ValueError(f"unknown clearance {clearance!r}")
    return {"classification": {"$nin": CLASSES[CLASSES.index(level) + 1:]}}
