CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse, as the hub's policy says (local takes all, openai internal, azure redacts)."""
    level = CLASSES.index(data_class) if data_class in CLASSES else 3
    if provider in ("local", "inhouse"):
        return "allow"
    if provider in ("openai", "cloud-us"):
        return "allow" if level <= 1 else "refuse"
    if provider in ("azure-openai-eu", "cloud-eu"):
        return "allow" if level <= 2 else "redact"
    return "refuse"
