def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if any(label.lower() == "security" for label in item.labels) or "Fraud Analytics" in item.components:
        return "confidential"
    if pii.detect(item.summary or "") or pii.detect(item.description or ""):
        return "restricted"
    return "internal"
