def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if item.classification == "restricted":
        return "restricted"
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
