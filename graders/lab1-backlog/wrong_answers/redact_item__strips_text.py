# wrong because: summary and description are stripped before redaction, so the text changes beyond replacing the
#   personal data (leading/trailing whitespace and newlines lost); the task only replaces entities by their tags.
# counterexample: ticket("X-1", description="Steps:\n1. open the portal\n") -> description unchanged
#   "Steps:\n1. open the portal\n"; this returns "Steps:\n1. open the portal".
# check: f(ticket("X-1", description="Steps:\n1. open the portal\n")).description
def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    redacted = replace(item, summary=pii.redact(item.summary.strip()),
                       description=pii.redact(item.description.strip()))
    return replace(redacted, classification=classify_item(redacted))
