def redact_item(item):
    """A copy of the item with e-mail addresses and phone numbers replaced by type tags, and re-classified."""
    kinds = ("EMAIL", "PHONE")
    clean = replace(item, summary=pii.redact(item.summary or "", types=kinds),
                    description=pii.redact(item.description or "", types=kinds))
    clean.classification = classify_item(clean)
    return clean
