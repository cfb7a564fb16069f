# wrong because: an item that is not restricted is returned as it is (the same object, with its stored class),
#   but the task always returns a NEW item whose classification is classify_item of the redacted copy.
# counterexample: replace(ticket("X-1"), classification="restricted") without personal data -> a new item with
#   classification "internal"; this returns the very same object, still "restricted".
# check: (lambda it: (f(it) is it, f(it).classification))(replace(ticket("X-1"), classification="restricted"))
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    if classify_item(item) != "restricted":
        return item  # nothing to redact
    redacted = replace(item, summary=pii.redact(item.summary), description=pii.redact(item.description))
    redacted.classification = classify_item(redacted)
    return redacted
