# wrong because: the text says a live value that is None triggers nothing, but this guards only the error rate and p95 (which are never None once there are requests) and compares the refusal rate, None when every request failed, raising TypeError.
# counterexample: release_decision(all_done, {"requests": 3, "errors": 3, "error_rate": 1.0, "refusal_rate": None, "p50_ms": 10.0, "p95_ms": 10.0}, base) is ("rollback", ["error_rate"]), this answer raises TypeError
REQUIRED_CHECKS = ["data_classified", "personal_data_out_of_logs", "model_approved_for_data_class",
                   "human_fallback", "rollback_tested", "owner_named"]


def release_decision(checklist, live=None, baseline=None):
    """("hold" | "ship" | "rollback" | "keep", reasons) from the governance checklist and live metrics."""
    not_done = [item for item in REQUIRED_CHECKS if checklist.get(item) is not True]
    if not_done:
        return ("hold", not_done)
    if live is None or live["requests"] == 0:
        return ("ship", [])
    reasons = []
    if live["error_rate"] is not None and live["error_rate"] > baseline["error_rate"] + 0.02:
        reasons.append("error_rate")
    if live["p95_ms"] is not None and live["p95_ms"] > 1.5 * baseline["p95_ms"]:
        reasons.append("p95_ms")
    if live["refusal_rate"] > baseline["refusal_rate"] + 0.10:
        reasons.append("refusal_rate")
    cost = (live.get("cost_per_request") or {}).get("p95")
    budget = (live.get("cost_budget") or {}).get("max_per_request")
    cost_before = (baseline.get("cost_per_request") or {}).get("p95")
    if cost is not None and ((budget is not None and cost > budget)
                             or (cost_before is not None and cost > 1.5 * cost_before)):
        reasons.append("cost_per_request")
    return ("rollback", reasons) if reasons else ("keep", [])
