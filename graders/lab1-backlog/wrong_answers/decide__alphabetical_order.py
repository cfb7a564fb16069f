CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    spec = (policy.get("providers") or {}).get(provider)
    if spec is None:
        return "refuse"
    if data_class not in CLASSES:
        data_class = "restricted"
    if data_class <= spec["max_class"]:
        return "allow"
    if spec.get("on_exceed") == "redact" and data_class == "restricted" and spec["max_class"] >= "confidential":
        return "redact"
    return "refuse"
