def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    days = [(i.resolved - i.created).total_seconds() / 86400 for i in items if i.resolved is not None]
    return {
        "count": len(items),
        "by_type": dict(Counter(i.type for i in items)),
        "open": sum(1 for i in items if i.resolved is None),
        "median_days_to_resolve": round(sum(days) / len(days), 1) if days else None,
        "no_description": sum(1 for i in items if not (i.description or "").strip()),
    }
