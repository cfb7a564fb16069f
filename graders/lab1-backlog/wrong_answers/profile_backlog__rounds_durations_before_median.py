# wrong because: each duration is rounded to 1 decimal BEFORE the median is taken; the task rounds the median
#   of the durations "with fractions" (rounding too early shifts an even-count median).
# counterexample: two items resolved after 0.01 and 0.33 days -> median 0.17 -> 0.2; this gives
#   median(0.0, 0.3) = 0.15 -> 0.1.
# check: f([ticket("X-1", resolved_after=0.01), ticket("X-2", resolved_after=0.33)])["median_days_to_resolve"]
def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    by_type = {}
    for item in items:
        by_type[item.type] = by_type.get(item.type, 0) + 1
    days = [round((item.resolved - item.created).total_seconds() / 86400, 1)
            for item in items if item.resolved is not None]
    return {
        "count": len(items),
        "by_type": by_type,
        "open": sum(1 for item in items if item.resolved is None),
        "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
        "no_description": sum(1 for item in items if not item.description.strip()),
    }
