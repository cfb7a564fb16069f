# wrong because: the summary is redacted on the ORIGINAL item (item.summary = ...) before the copy is made; the task
#   says the original must not change (the visible test only looks at the original's description).
# counterexample: before = replace(ticket("X-1"), summary="Call back Anna Berger"); after redact_item(before),
#   before.summary must still be "Call back Anna Berger"; here it reads "Call back [PERSON]".
# check: (lambda it: (f(it), it.summary)[1])(replace(ticket("X-1"), summary="Call back Anna Berger"))
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    item.summary = pii.redact(item.summary)
    redacted = replace(item, description=pii.redact(item.description))
    return replace(redacted, classification=classify_item(redacted))
