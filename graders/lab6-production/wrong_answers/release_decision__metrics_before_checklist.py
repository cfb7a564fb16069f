# wrong because: after launch the metrics decide first: a bad live metric rolls back even when the checklist is incomplete
# counterexample: checklist with human_fallback False and live error_rate 0.5: ('rollback', ['error_rate']), should be ('hold', ['human_fallback'])
REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    missing = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
    if live is not None and live.get("requests"):
        reasons = []
        if live.get("error_rate") is not None and live["error_rate"] > baseline["error_rate"] + 0.02:
            reasons.append("error_rate")
        if live.get("p95_ms") is not None and live["p95_ms"] > 1.5 * baseline["p95_ms"]:
            reasons.append("p95_ms")
        if live.get("refusal_rate") is not None and live["refusal_rate"] > baseline["refusal_rate"] + 0.10:
            reasons.append("refusal_rate")
        cost = (live.get("cost_per_request") or {}).get("p95")
        budget = (live.get("cost_budget") or {}).get("max_per_request")
        cost_before = (baseline.get("cost_per_request") or {}).get("p95")
        if cost is not None and ((budget is not None and cost > budget)
                                 or (cost_before is not None and cost > 1.5 * cost_before)):
            reasons.append("cost_per_request")
        if reasons:
            return ("rollback", reasons)
    if missing:
        return ("hold", missing)
    return ("ship", []) if live is None or not live.get("requests") else ("keep", [])
