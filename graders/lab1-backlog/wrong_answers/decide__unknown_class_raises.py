# wrong because: an unknown class is looked up with CLASSES.index and raises ValueError; the task treats a class the
#   policy does not know (a typo, None) as "restricted".
# counterexample: decide(toy_policy, "inhouse", None) -> "allow"; this raises ValueError.
# check: f({"providers": {"inhouse": {"max_class": "restricted"}}}, "inhouse", None)
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    providers = policy.get("providers", {})
    if provider not in providers:
        return "refuse"
    settings = providers[provider]
    level, top = CLASSES.index(data_class), CLASSES.index(settings["max_class"])
    if level <= top:
        return "allow"
    if settings.get("on_exceed") == "redact" and data_class == "restricted" and top >= CLASSES.index("confidential"):
        return "redact"
    return "refuse"
