# wrong because: the text flags pairs whose similarity is at least the threshold, but this rounds the similarities to two decimals first (the thresholds have two), so 0.596 counts as 0.60.
# counterexample: threshold_report(np.array([[-1.0, 0.596], [0.596, -1.0]]), ["A", "B"], {frozenset({"A", "B"})}, [0.6])[0]["flagged"] is 0, this answer returns 1
def threshold_report(sims, keys, true_pairs, thresholds):
    """Precision, recall and F1 of flagging every pair at or above each threshold."""
    n = len(keys)
    scored = [(round(float(sims[i][j]), 2), frozenset({keys[i], keys[j]})) for i in range(n) for j in range(i + 1, n)]
    report = []
    for threshold in thresholds:
        flagged = [pair for score, pair in scored if score >= threshold]
        hits = sum(pair in true_pairs for pair in flagged)
        precision = hits / len(flagged) if flagged else 1.0
        recall = hits / len(true_pairs)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.append({"threshold": threshold, "flagged": len(flagged), "precision": precision, "recall": recall,
                       "f1": f1})
    return report
