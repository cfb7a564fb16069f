# wrong because: "open" is decided from the status (Done/Closed/Resolved, the names in the visible test), which the
#   task forbids; GitHub's CLOSED (upper case) or any other done-status of a resolved item counts as open.
# counterexample: [ticket("X-1", status="CLOSED", resolved_after=1)] -> open 0; this returns 1.
# check: f([ticket("X-1", status="CLOSED", resolved_after=1)])["open"]
def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    done = {"Done", "Closed", "Resolved"}
    days = [(item.resolved - item.created).total_seconds() / 86400 for item in items if item.resolved is not None]
    return {
        "count": len(items),
        "by_type": dict(Counter(item.type for item in items)),
        "open": sum(1 for item in items if item.status not in done),
        "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
        "no_description": sum(1 for item in items if not item.description.strip()),
    }
