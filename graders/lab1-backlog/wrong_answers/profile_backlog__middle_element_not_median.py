# wrong because: the "median" is the middle element of the sorted list, sorted(days)[n // 2]; with an even number
#   of resolved items the median is the mean of the two middle values.
# counterexample: items resolved after 1 and 2 days -> median 1.5; this returns 2.0.
# check: f([ticket("X-1", resolved_after=1), ticket("X-2", resolved_after=2)])["median_days_to_resolve"]
def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    days = sorted((item.resolved - item.created).total_seconds() / 86400
                  for item in items if item.resolved is not None)
    median = round(days[len(days) // 2], 1) if days else None
    return {
        "count": len(items),
        "by_type": dict(Counter(item.type for item in items)),
        "open": sum(1 for item in items if item.resolved is None),
        "median_days_to_resolve": median,
        "no_description": sum(1 for item in items if not item.description.strip()),
    }
