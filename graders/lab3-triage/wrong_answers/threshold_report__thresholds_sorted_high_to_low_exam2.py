# wrong because: the text wants one row per threshold "in the order given", but this sweeps the thresholds from the highest down.
# counterexample: [r["threshold"] for r in threshold_report(np.array([[-1.0, 0.9], [0.9, -1.0]]), ["A", "B"], {frozenset({"A", "B"})}, [0.5, 0.8])] is [0.5, 0.8], this answer returns [0.8, 0.5]
def threshold_report(sims, keys, true_pairs, thresholds):
    """Precision, recall and F1 of flagging every pair at or above each threshold."""
    n = len(keys)
    scored = [(float(sims[i][j]), frozenset({keys[i], keys[j]})) for i in range(n) for j in range(i + 1, n)]
    report = []
    for threshold in sorted(thresholds, reverse=True):
        flagged = [pair for score, pair in scored if score >= threshold]
        hits = sum(pair in true_pairs for pair in flagged)
        precision = hits / len(flagged) if flagged else 1.0
        recall = hits / len(true_pairs)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.append({"threshold": threshold, "flagged": len(flagged), "precision": precision, "recall": recall,
                       "f1": f1})
    return report
