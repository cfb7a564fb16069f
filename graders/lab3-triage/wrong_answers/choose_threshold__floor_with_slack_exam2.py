# wrong because: the text accepts rows with precision >= min_precision, but this lets a row one point short through (a "rounding" slack of 0.01), so a bot right 59.5% of the time passes a 60% floor.
# counterexample: choose_threshold([{"threshold": 0.6, "precision": 0.595, "recall": 0.9, "f1": 0.72, "flagged": 9}], 0.6) is None, this answer returns that row
def choose_threshold(report, min_precision):
    """The row with the highest recall whose precision is at least min_precision, or None."""
    precise = [row for row in report if row["precision"] >= min_precision - 0.01]
    if not precise:
        return None
    return max(precise, key=lambda row: (row["recall"], row["threshold"]))
