def choose_threshold(report, min_precision):
    """The row with the highest recall whose precision is at least min_precision, or None."""
    good = list(report)
    if not good:
        return None
    return max(good, key=lambda row: (row["f1"], row["threshold"]))
