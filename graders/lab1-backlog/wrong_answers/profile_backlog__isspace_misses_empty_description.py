# wrong because: str.isspace() is False for the empty string, so an item with description "" is not counted as
#   having no description ("empty or only whitespace").
# counterexample: [ticket("X-1", description="")] -> no_description 1; this returns 0.
# check: f([ticket("X-1", description=""), ticket("X-2", description="\n\t ")])["no_description"]
def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    days = [(item.resolved - item.created).total_seconds() / 86400 for item in items if item.resolved is not None]
    return {
        "count": len(items),
        "by_type": dict(Counter(item.type for item in items)),
        "open": sum(1 for item in items if item.resolved is None),
        "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
        "no_description": sum(1 for item in items if item.description.isspace()),
    }
