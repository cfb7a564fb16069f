# wrong because: any component mentioning "fraud" counts; the rule names exactly the component `Fraud Analytics`.
# counterexample: ticket("X-1", components=["Anti-Fraud Rules Engine"]) -> "internal"; this returns "confidential".
# check: f(ticket("X-1", components=["Anti-Fraud Rules Engine"]))
def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if pii.detect(item.summary) or pii.detect(item.description):
        return "restricted"
    if any(label.lower() == "security" for label in item.labels):
        return "confidential"
    if any("fraud" in component.lower() for component in item.components):
        return "confidential"
    return "internal"
