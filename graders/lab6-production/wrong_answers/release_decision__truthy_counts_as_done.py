# wrong because: a checklist value that is truthy but not True ('yes', 1) counts as done
# counterexample: checklist with owner_named='yes' (rest True): ('ship', []), should be ('hold', ['owner_named'])
REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    missing = [item for item in REQUIRED_CHECKS if not checklist.get(item)]
    if missing:
        return ("hold", missing)
    if live is None or not live.get("requests"):
        return ("ship", [])
    e = live.get("error_rate") is not None and live["error_rate"] > baseline["error_rate"] + 0.02
    p = live.get("p95_ms") is not None and live["p95_ms"] > 1.5 * baseline["p95_ms"]
    f = live.get("refusal_rate") is not None and live["refusal_rate"] > baseline["refusal_rate"] + 0.10
    reasons = [name for name, hit in (("error_rate", e), ("p95_ms", p), ("refusal_rate", f)) if hit]
    cost = (live.get("cost_per_request") or {}).get("p95")
    budget = (live.get("cost_budget") or {}).get("max_per_request")
    cost_before = (baseline.get("cost_per_request") or {}).get("p95")
    if cost is not None and ((budget is not None and cost > budget)
                             or (cost_before is not None and cost > 1.5 * cost_before)):
        reasons.append("cost_per_request")
    return ("rollback", reasons) if reasons else ("keep", [])
