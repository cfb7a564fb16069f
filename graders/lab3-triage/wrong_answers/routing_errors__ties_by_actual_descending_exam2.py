# wrong because: the text sorts equal counts by actual team, then predicted team (ascending), but sorting (count, pair) with reverse=True puts the later team names first among ties.
# counterexample: routing_errors(["Billing", "Claims Intake"], ["Claims Intake", "Billing"]) is [(("Billing", "Claims Intake"), 1), (("Claims Intake", "Billing"), 1)], this answer returns them the other way round
def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    counts = Counter((a, p) for a, p in zip(actual, predicted) if a != p)
    return sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
