# wrong because: the text sorts equal counts by actual team *then predicted team*, but this sorts by actual team only, so two errors of one team keep the order they were first seen in.
# counterexample: routing_errors(["Billing", "Billing"], ["Customer Portal", "Claims Intake"]) is [(("Billing", "Claims Intake"), 1), (("Billing", "Customer Portal"), 1)], this answer returns them the other way round
def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    counts = Counter((a, p) for a, p in zip(actual, predicted) if a != p)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
