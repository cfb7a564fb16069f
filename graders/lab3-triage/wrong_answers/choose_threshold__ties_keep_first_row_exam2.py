# wrong because: the text breaks ties in recall by the *higher threshold*, but max() keeps the first row it meets, which is the lower threshold when the report runs from low to high.
# counterexample: choose_threshold([{"threshold": 0.6, "precision": 0.7, "recall": 0.5, "f1": 0.58, "flagged": 4}, {"threshold": 0.7, "precision": 0.8, "recall": 0.5, "f1": 0.62, "flagged": 3}], 0.6)["threshold"] is 0.7, this answer returns 0.6
def choose_threshold(report, min_precision):
    """The row with the highest recall whose precision is at least min_precision, or None."""
    precise = [row for row in report if row["precision"] >= min_precision]
    return max(precise, key=lambda row: row["recall"]) if precise else None
