# wrong because: the comments are searched as well (as the importer's classifier does); rule 1 looks at the summary
#   and the description only.
# counterexample: ticket("X-1", comments=["Spoke to Anna Berger yesterday"]) -> "internal"; this returns "restricted".
# check: f(ticket("X-1", comments=["Spoke to Anna Berger yesterday"]))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if any(pii.detect(text) for text in [item.summary, item.description, *item.comments]):
        return "restricted"
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
