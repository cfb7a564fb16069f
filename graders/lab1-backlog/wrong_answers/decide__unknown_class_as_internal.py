# wrong because: an unknown class falls back to "internal" (the importer's default class); the task says unknown
#   data is the most sensitive: treat it as "restricted".
# counterexample: decide(toy_policy, "cloud-us", "secret") -> "refuse" (restricted above internal, no redact);
#   this returns "allow".
# check: f({"providers": {"cloud-us": {"max_class": "internal"}}}, "cloud-us", "secret")
CLASSES = ["public", "internal", "confidential", "restricted"]


def decide(policy, provider, data_class):
    """allow, redact or refuse a request with data of data_class to provider, per the governance policy."""
    providers = policy.get("providers", {})
    if provider not in providers:
        return "refuse"
    settings = providers[provider]
    if data_class not in CLASSES:
        data_class = "internal"
    level, top = CLASSES.index(data_class), CLASSES.index(settings["max_class"])
    if level <= top:
        return "allow"
    if settings.get("on_exceed") == "redact" and data_class == "restricted" and top >= CLASSES.index("confidential"):
        return "redact"
    return "refuse"
