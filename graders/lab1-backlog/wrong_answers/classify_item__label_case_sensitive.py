def classify_item(item):
    """The governance class of a backlog item: restricted, confidential or internal."""
    if pii.detect(item.summary or "") or pii.detect(item.description or ""):
        return "restricted"
    if "security" in item.labels or "Fraud Analytics" in item.components:
        return "confidential"
    return "internal"
