# wrong because: the new class is derived from the stored item.classification ("restricted" -> "internal", others
#   kept) instead of classify_item on the redacted copy; a restricted security ticket drops to internal, not to
#   confidential, and a stale stored class is kept.
# counterexample: ticket("X-1", labels=["security"], classification="restricted",
#   description="Customer Anna Berger was charged twice.") -> "confidential"; this returns "internal".
# check: f(ticket("X-1", labels=["security"], classification="restricted", description="Customer Anna Berger was charged twice.")).classification
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    new_class = "internal" if item.classification == "restricted" else item.classification
    return replace(item, summary=pii.redact(item.summary), description=pii.redact(item.description),
                   classification=new_class)
