def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    item.summary = pii.redact(item.summary or "")
    item.description = pii.redact(item.description or "")
    item.classification = classify_item(item)
    return item
