import re


def redact_item(item):
    """A copy of the item with e-mail addresses and phone numbers replaced by tags, and re-classified."""
    def scrub(text):
        text = re.sub(r"\S+@\S+\.\w+", "[EMAIL]", text or "")
        return re.sub(r"\+?\d[\d /-]{6,}\d", "[PHONE]", text)

    clean = replace(item, summary=scrub(item.summary), description=scrub(item.description))
    clean.classification = classify_item(clean)
    return clean
