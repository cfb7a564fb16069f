# wrong because: policy["providers"] is indexed directly, so a policy that lists no providers (no "providers" key,
#   or "providers:" left empty, which yaml reads as None) raises instead of refusing; a provider the policy does
#   not list is refused.
# counterexample: decide({}, "cloud-eu", "public") -> "refuse" and decide({"providers": None}, "x", "public")
#   -> "refuse"; this raises KeyError / TypeError.
# check: [f(p, "cloud-eu", "public") for p in ({}, {"providers": None})]
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    if provider not in policy["providers"]:
        return "refuse"
    settings = policy["providers"][provider]
    if data_class not in CLASSES:
        data_class = "restricted"
    level, top = CLASSES.index(data_class), CLASSES.index(settings["max_class"])
    if level <= top:
        return "allow"
    if settings.get("on_exceed") == "redact" and data_class == "restricted" and top >= CLASSES.index("confidential"):
        return "redact"
    return "refuse"
