CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    spec = (policy.get("providers") or {}).get(provider)
    if spec is None:
        return "refuse"
    level = CLASSES.index(data_class) if data_class in CLASSES else 0
    limit = CLASSES.index(spec["max_class"])
    if level <= limit:
        return "allow"
    if spec.get("on_exceed", "refuse") == "redact" and level == 3 and limit >= 2:
        return "redact"
    return "refuse"
