# wrong because: the class of the redacted copy is assumed to be "internal" (the visible example's answer) instead of
#   computed with classify_item; a redacted security or Fraud Analytics ticket is still confidential.
# counterexample: ticket("X-1", labels=["security"], description="Customer Anna Berger was charged twice.")
#   -> classification "confidential"; this returns "internal".
# check: f(ticket("X-1", labels=["security"], description="Customer Anna Berger was charged twice.")).classification
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    return replace(item, summary=pii.redact(item.summary), description=pii.redact(item.description),
                   classification="internal")
