def redact_item(item):
    """A copy of the item with personal data replaced by type tags."""
    return replace(item, summary=pii.redact(item.summary or ""), description=pii.redact(item.description or ""),
                   classification=classify_item(item))
