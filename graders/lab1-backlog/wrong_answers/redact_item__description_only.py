def redact_item(item):
    """A copy of the item with personal data replaced by type tags, and re-classified."""
    clean = replace(item, description=pii.redact(item.description or ""))
    clean.classification = classify_item(clean)
    return clean
