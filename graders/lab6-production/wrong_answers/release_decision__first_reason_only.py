# wrong because: stops at the first rule that fires (elif chain): names only one reason
# counterexample: live error_rate 0.2 and p95 3x baseline: ['error_rate'], should be ['error_rate', 'p95_ms']
REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    missing = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
    if missing:
        return ("hold", missing)
    if live is None or not live.get("requests"):
        return ("ship", [])
    e = live.get("error_rate") is not None and live["error_rate"] > baseline["error_rate"] + 0.02
    p = live.get("p95_ms") is not None and live["p95_ms"] > 1.5 * baseline["p95_ms"]
    f = live.get("refusal_rate") is not None and live["refusal_rate"] > baseline["refusal_rate"] + 0.10
    cost = (live.get("cost_per_request") or {}).get("p95")
    budget = (live.get("cost_budget") or {}).get("max_per_request")
    cost_before = (baseline.get("cost_per_request") or {}).get("p95")
    c = cost is not None and ((budget is not None and cost > budget)
                              or (cost_before is not None and cost > 1.5 * cost_before))
    reasons = (["error_rate"] if e else ["p95_ms"] if p else ["refusal_rate"] if f
               else ["cost_per_request"] if c else [])
    return ("rollback", reasons) if reasons else ("keep", [])
