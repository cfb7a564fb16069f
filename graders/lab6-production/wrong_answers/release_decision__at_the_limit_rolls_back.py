REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    missing = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
    if missing:
        return "hold", missing
    if live is None or not live.get("requests"):
        return "ship", []
    rules = [("error_rate", lambda now, before: now >= before + 0.02),
             ("p95_ms", lambda now, before: now >= 1.5 * before),
             ("refusal_rate", lambda now, before: now >= before + 0.10)]
    reasons = [name for name, worse in rules
               if live.get(name) is not None and baseline.get(name) is not None and worse(live[name], baseline[name])]
    return ("rollback", reasons) if reasons else ("keep", [])
    ### END SOLUTION
