# wrong because: the text sorts equal counts by actual team, then predicted team, but this sorts ties by the predicted team first (the team that received the ticket).
# counterexample: routing_errors(["Billing", "Claims Intake"], ["Customer Portal", "Billing"]) is [(("Billing", "Customer Portal"), 1), (("Claims Intake", "Billing"), 1)], this answer returns them the other way round
def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    counts = Counter((a, p) for a, p in zip(actual, predicted) if a != p)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
