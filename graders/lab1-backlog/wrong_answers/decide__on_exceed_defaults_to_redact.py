# wrong because: a provider without on_exceed is treated as on_exceed: redact; the default is "refuse".
# counterexample: policy {"providers": {"p": {"max_class": "confidential"}}}, decide(policy, "p", "restricted")
#   -> "refuse"; this returns "redact".
# check: f({"providers": {"p": {"max_class": "confidential"}}}, "p", "restricted")
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    providers = policy.get("providers", {})
    if provider not in providers:
        return "refuse"
    settings = providers[provider]
    if data_class not in CLASSES:
        data_class = "restricted"
    level, top = CLASSES.index(data_class), CLASSES.index(settings["max_class"])
    if level <= top:
        return "allow"
    if settings.get("on_exceed", "redact") == "redact" and data_class == "restricted" and top >= 2:
        return "redact"
    return "refuse"
