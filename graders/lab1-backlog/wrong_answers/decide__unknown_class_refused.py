# wrong because: an unknown class (typo, None) is refused outright; the task treats it as "restricted", so a
#   provider that accepts restricted data allows it and one with on_exceed: redact (max confidential) redacts it.
# counterexample: decide(toy_policy, "inhouse", None) -> "allow"; decide(toy_policy, "cloud-eu", "secret")
#   -> "redact"; this returns "refuse" for both.
# check: [f({"providers": {"inhouse": {"max_class": "restricted"}, "cloud-eu": {"max_class": "confidential", "on_exceed": "redact"}}}, p, c) for p, c in [("inhouse", None), ("cloud-eu", "secret")]]
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    settings = policy.get("providers", {}).get(provider)
    if settings is None or data_class not in CLASSES:
        return "refuse"
    level, top = CLASSES.index(data_class), CLASSES.index(settings["max_class"])
    if level <= top:
        return "allow"
    if (settings.get("on_exceed", "refuse") == "redact" and data_class == "restricted"
            and top >= CLASSES.index("confidential")):
        return "redact"
    return "refuse"
