def choose_threshold(report, min_precision):
    """The row with the best F1 among rows precise enough, or None."""
    good = [row for row in report if row["precision"] >= min_precision]
    if not good:
        return None
    return max(good, key=lambda row: (row["f1"], row["threshold"]))
