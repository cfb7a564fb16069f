# wrong because: item types are "normalized" with str.capitalize() before counting; the task wants the type as
#   written, so "User Story" (Azure DevOps) becomes a key "User story".
# counterexample: [ticket("X-1", type="User Story")] -> by_type {"User Story": 1}; this gives {"User story": 1}.
# check: f([ticket("X-1", type="User Story"), ticket("X-2", type="Bug")])["by_type"]
def profile_backlog(items):
    """Size, mix, open work and resolution time of a backlog."""
    days = [(item.resolved - item.created).total_seconds() / 86400 for item in items if item.resolved is not None]
    return {
        "count": len(items),
        "by_type": dict(Counter(item.type.strip().capitalize() for item in items)),
        "open": sum(1 for item in items if item.resolved is None),
        "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
        "no_description": sum(1 for item in items if not item.description.strip()),
    }
