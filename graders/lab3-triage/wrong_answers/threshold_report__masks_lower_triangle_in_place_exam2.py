# wrong because: the matrix belongs to the caller (exercises 3 and 5 and the error analysis reuse it), but this overwrites its lower triangle and diagonal with -inf in place to count each pair once.
# counterexample: m = np.array([[-1.0, 0.9], [0.9, -1.0]]); after threshold_report(m, ["A", "B"], {frozenset({"A", "B"})}, [0.5]) the right answer leaves m[1][0] == 0.9, this answer leaves m[1][0] == -inf
def threshold_report(sims, keys, true_pairs, thresholds):
    """Precision, recall and F1 of flagging every pair at or above each threshold."""
    sims[np.tril_indices(len(keys))] = -np.inf  # each unordered pair once
    report = []
    for threshold in thresholds:
        rows, cols = np.nonzero(sims >= threshold)
        flagged = [frozenset({keys[i], keys[j]}) for i, j in zip(rows, cols)]
        hits = sum(pair in true_pairs for pair in flagged)
        precision = hits / len(flagged) if flagged else 1.0
        recall = hits / len(true_pairs)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.append({"threshold": threshold, "flagged": len(flagged), "precision": precision, "recall": recall,
                       "f1": f1})
    return report
