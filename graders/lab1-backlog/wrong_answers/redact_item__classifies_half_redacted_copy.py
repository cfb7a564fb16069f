# wrong because: the classification is computed on a copy where only the description is redacted (the summary still
#   holds its personal data), so an item with a name in its summary stays "restricted" although the returned
#   item's summary and description are clean; the task classifies the redacted item.
# counterexample: replace(ticket("X-1"), summary="Call back Anna Berger") -> summary "Call back [PERSON]",
#   classification "internal"; this returns classification "restricted".
# check: (lambda r: (r.summary, r.classification))(f(replace(ticket("X-1"), summary="Call back Anna Berger")))
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    description = pii.redact(item.description)
    new_class = classify_item(replace(item, description=description))
    return replace(item, summary=pii.redact(item.summary), description=description, classification=new_class)
