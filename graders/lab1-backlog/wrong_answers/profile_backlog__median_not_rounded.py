# wrong because: the median is returned unrounded; the task says "rounded to 1 decimal".
# counterexample: one item resolved after 1.26 days -> 1.3; this returns 1.26.
# check: f([ticket("X-1", resolved_after=1.26)])["median_days_to_resolve"]
def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    days = [(item.resolved - item.created).total_seconds() / 86400 for item in items if item.resolved is not None]
    return {
        "count": len(items),
        "by_type": dict(Counter(item.type for item in items)),
        "open": sum(1 for item in items if item.resolved is None),
        "median_days_to_resolve": statistics.median(days) if days else None,
        "no_description": sum(1 for item in items if not item.description.strip()),
    }
