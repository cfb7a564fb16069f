# wrong because: compares with fixed SLO numbers, not with the baseline given
# counterexample: live p95_ms 1350 against a baseline of 900 (exactly 1.5 x): ('rollback', ['p95_ms']) (over the fixed 1200), should be ('keep', [])
REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    missing = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
    if missing:
        return "hold", missing
    if live is None or not live.get("requests"):
        return "ship", []
    rules = [("error_rate", lambda now, before: now > 0.03),       # our SLOs
             ("p95_ms", lambda now, before: now > 1200),
             ("refusal_rate", lambda now, before: now > 0.25)]
    reasons = [name for name, worse in rules
               if live.get(name) is not None and baseline.get(name) is not None and worse(live[name], baseline[name])]
    cost = (live.get("cost_per_request") or {}).get("p95")
    budget = (live.get("cost_budget") or {}).get("max_per_request")
    cost_before = (baseline.get("cost_per_request") or {}).get("p95")
    if cost is not None and ((budget is not None and cost > budget)
                             or (cost_before is not None and cost > 1.5 * cost_before)):
        reasons.append("cost_per_request")
    return ("rollback", reasons) if reasons else ("keep", [])
