# wrong because: a provider of kind "local" is allowed everything ("data never leaves the machine"), ignoring its
#   max_class; the task decides by max_class for every provider.
# counterexample: policy {"providers": {"p": {"kind": "local", "max_class": "internal"}}},
#   decide(policy, "p", "restricted") -> "refuse"; this returns "allow".
# check: f({"providers": {"p": {"kind": "local", "max_class": "internal"}}}, "p", "restricted")
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    providers = policy.get("providers", {})
    if provider not in providers:
        return "refuse"
    settings = providers[provider]
    if settings.get("kind") == "local":
        return "allow"
    if data_class not in CLASSES:
        data_class = "restricted"
    level, top = CLASSES.index(data_class), CLASSES.index(settings["max_class"])
    if level <= top:
        return "allow"
    if settings.get("on_exceed") == "redact" and data_class == "restricted" and top >= CLASSES.index("confidential"):
        return "redact"
    return "refuse"
