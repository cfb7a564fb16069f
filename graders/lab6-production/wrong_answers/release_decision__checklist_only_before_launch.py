# wrong because: checks the checklist only before launch; after launch an incomplete checklist keeps or rolls back
# counterexample: owner_named False with live error_rate 0.5: ('rollback', ['error_rate']), should be ('hold', ['owner_named'])
REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    if live is None or not live.get("requests"):
        missing = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
        return ("hold", missing) if missing else ("ship", [])
    rules = [("error_rate", lambda now, before: now > before + 0.02),
             ("p95_ms", lambda now, before: now > 1.5 * before),
             ("refusal_rate", lambda now, before: now > before + 0.10)]
    reasons = [name for name, worse in rules
               if live.get(name) is not None and baseline.get(name) is not None and worse(live[name], baseline[name])]
    cost = (live.get("cost_per_request") or {}).get("p95")
    budget = (live.get("cost_budget") or {}).get("max_per_request")
    cost_before = (baseline.get("cost_per_request") or {}).get("p95")
    if cost is not None and ((budget is not None and cost > budget)
                             or (cost_before is not None and cost > 1.5 * cost_before)):
        reasons.append("cost_per_request")
    return ("rollback", reasons) if reasons else ("keep", [])
