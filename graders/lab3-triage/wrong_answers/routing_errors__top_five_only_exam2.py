# wrong because: the text returns the wrong routes (all of them), most frequent first, but this keeps only the five most frequent, as a dashboard would.
# counterexample: routing_errors(["A", "B", "C", "D", "E", "F"], ["Z", "Z", "Z", "Z", "Z", "Z"]) has 6 entries, this answer returns 5
def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    counts = Counter((a, p) for a, p in zip(actual, predicted) if a != p)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:5]
