def redact_item(item):
    """A copy of the item with personal data masked, and re-classified."""
    clean = replace(item, summary=pii.redact(item.summary or "", style="mask"),
                    description=pii.redact(item.description or "", style="mask"))
    clean.classification = classify_item(clean)
    return clean
