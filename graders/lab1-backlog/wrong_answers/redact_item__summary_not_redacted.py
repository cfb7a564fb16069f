# wrong because: only the description is redacted; the task redacts the summary AND the description (and the copy,
#   with a name left in its summary, stays restricted).
# counterexample: an item with summary "Call back Anna Berger" and a clean description -> summary
#   "Call back [PERSON]", classification "internal"; this keeps the name and says "restricted".
# check: (lambda r: (r.summary, r.classification))(f(replace(ticket("X-1"), summary="Call back Anna Berger")))
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    redacted = replace(item, description=pii.redact(item.description))
    return replace(redacted, classification=classify_item(redacted))
