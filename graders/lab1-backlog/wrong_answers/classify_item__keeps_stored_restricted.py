# wrong because: it trusts item.classification (never lowers a stored "restricted"), which the task forbids; an item
#   whose stored class is stale (e.g. after redaction, or set by the importer) stays restricted without personal data.
# counterexample: replace(ticket("X-1"), classification="restricted") with no personal data -> "internal";
#   this returns "restricted".
# check: f(replace(ticket("X-1"), classification="restricted"))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if item.classification == "restricted" or pii.detect(item.summary) or pii.detect(item.description):
        return "restricted"
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
