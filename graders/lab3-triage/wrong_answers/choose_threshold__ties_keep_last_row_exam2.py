# wrong because: the text breaks ties in recall by the higher threshold, but this keeps the last of the tied rows, which is the higher threshold only when the report runs from low to high.
# counterexample: choose_threshold([{"threshold": 0.8, "precision": 0.9, "recall": 0.5, "f1": 0.64, "flagged": 2}, {"threshold": 0.7, "precision": 0.8, "recall": 0.5, "f1": 0.62, "flagged": 3}], 0.6)["threshold"] is 0.8, this answer returns 0.7
def choose_threshold(report, min_precision):
    """The row with the highest recall whose precision is at least min_precision, or None."""
    best = None
    for row in report:
        if row["precision"] >= min_precision and (best is None or row["recall"] >= best["recall"]):
            best = row
    return best
