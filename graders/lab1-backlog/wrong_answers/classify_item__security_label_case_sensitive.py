# wrong because: the label is compared case-sensitively ("security" in item.labels); the task says any case
#   (GitHub exports say "Security").
# counterexample: ticket("X-1", labels=["Security"]) -> "confidential"; this returns "internal".
# check: f(ticket("X-1", labels=["Security"]))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if pii.detect(item.summary) or pii.detect(item.description):
        return "restricted"
    if "security" in item.labels or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
