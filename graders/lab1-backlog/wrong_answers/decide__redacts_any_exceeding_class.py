# wrong because: on_exceed: redact is applied to ANY class above max_class; the task redacts only restricted data
#   (redaction removes personal data, nothing else), so confidential data above an internal provider is refused.
# counterexample: policy {"providers": {"p": {"max_class": "internal", "on_exceed": "redact"}}},
#   decide(policy, "p", "confidential") -> "refuse"; this returns "redact".
# check: f({"providers": {"p": {"max_class": "internal", "on_exceed": "redact"}}}, "p", "confidential")
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    providers = policy.get("providers", {})
    if provider not in providers:
        return "refuse"
    settings = providers[provider]
    if data_class not in CLASSES:
        data_class = "restricted"
    if CLASSES.index(data_class) <= CLASSES.index(settings["max_class"]):
        return "allow"
    if settings.get("on_exceed", "refuse") == "redact":
        return "redact"
    return "refuse"
