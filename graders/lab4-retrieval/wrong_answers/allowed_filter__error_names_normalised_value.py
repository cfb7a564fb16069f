# wrong because: the error names the lower-cased, stripped value instead of the clearance that was given; the task says the ValueError names the unknown clearance.
# counterexample: allowed_filter("TopSecret") must raise a ValueError whose message contains "TopSecret"; this says 'topsecret' is not in list.
CLASSES = ["public", "internal", "confidential", "restricted"]


def allowed_filter(clearance):
    """A chromadb where-filter: classification at or below `clearance`."""
    level = CLASSES.index(clearance.strip().lower())  # ValueError: 'x' is not in list
    return {"classification": {"$in": CLASSES[: level + 1]}}
