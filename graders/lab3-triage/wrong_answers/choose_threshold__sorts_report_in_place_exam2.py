# wrong because: the report is the caller's (the notebook prints it as a curve in the order of its thresholds), but this sorts it in place by recall to pick the best row.
# counterexample: rows = [{"threshold": 0.6, "precision": 0.7, "recall": 0.9, ...}, {"threshold": 0.8, "precision": 0.9, "recall": 0.3, ...}]; after choose_threshold(rows, 0.5) the right answer leaves rows[0]["threshold"] == 0.6, this answer leaves 0.8 there
def choose_threshold(report, min_precision):
    """The row with the highest recall whose precision is at least min_precision, or None."""
    report.sort(key=lambda row: (row["recall"], row["threshold"]))
    for row in reversed(report):
        if row["precision"] >= min_precision:
            return row
    return None
