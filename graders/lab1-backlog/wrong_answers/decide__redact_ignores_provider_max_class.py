# wrong because: restricted data is redacted whenever on_exceed says redact, without checking that the provider
#   accepts confidential data; a provider with max_class internal (or public) must refuse.
# counterexample: policy {"providers": {"p": {"max_class": "internal", "on_exceed": "redact"}}},
#   decide(policy, "p", "restricted") -> "refuse"; this returns "redact".
# check: f({"providers": {"p": {"max_class": "internal", "on_exceed": "redact"}}}, "p", "restricted")
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
    if settings.get("on_exceed") == "redact" and data_class == "restricted":
        return "redact"
    return "refuse"
