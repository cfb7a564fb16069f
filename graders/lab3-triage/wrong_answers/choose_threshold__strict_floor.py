def choose_threshold(report, min_precision):
    """The row with the highest recall whose precision is at least min_precision, or None."""
    good = [row for row in report if row["precision"] > min_precision]
    if not good:
        return None
    return max(good, key=lambda row: (row["recall"], row["threshold"]))
