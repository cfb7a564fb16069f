# wrong because: labels and components are pooled into one set of tags, so a COMPONENT named "Security" (or a label
#   "fraud analytics") makes the item confidential; the rule is a label `security` or the component `Fraud Analytics`.
# counterexample: ticket("X-1", components=["Security"]) -> "internal"; this returns "confidential".
# check: f(ticket("X-1", components=["Security"]))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if pii.detect(item.summary) or pii.detect(item.description):
        return "restricted"
    tags = {tag.lower() for tag in item.labels + item.components}
    if tags & {"security", "fraud analytics"}:
        return "confidential"
    return "internal"
