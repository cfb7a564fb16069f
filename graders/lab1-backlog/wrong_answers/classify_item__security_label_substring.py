# wrong because: any label that CONTAINS "security" counts; the rule is a label `security` (whole label, any case).
# counterexample: ticket("X-1", labels=["no-security-impact"]) -> "internal"; this returns "confidential".
# check: f(ticket("X-1", labels=["no-security-impact"]))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if pii.detect(item.summary) or pii.detect(item.description):
        return "restricted"
    if any("security" in label.lower() for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
