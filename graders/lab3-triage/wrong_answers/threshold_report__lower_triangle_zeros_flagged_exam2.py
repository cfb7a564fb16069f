# wrong because: the text counts the unordered pairs i < j only, but np.triu leaves zeros below and on the diagonal, and those zeros count as flagged for any threshold at or below 0 (cosine similarities go down to -1).
# counterexample: threshold_report(np.array([[-1.0, -0.2], [-0.2, -1.0]]), ["A", "B"], {frozenset({"A", "B"})}, [0.0])[0]["flagged"] is 0, this answer returns 3
def threshold_report(sims, keys, true_pairs, thresholds):
    """Precision, recall and F1 of flagging every pair at or above each threshold."""
    upper = np.triu(np.asarray(sims, dtype=float), k=1)
    report = []
    for threshold in thresholds:
        rows, cols = np.nonzero(upper >= threshold)
        flagged = [frozenset({keys[i], keys[j]}) for i, j in zip(rows, cols)]
        hits = sum(pair in true_pairs for pair in flagged)
        precision = hits / len(flagged) if flagged else 1.0
        recall = hits / len(true_pairs)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.append({"threshold": threshold, "flagged": len(flagged), "precision": precision, "recall": recall,
                       "f1": f1})
    return report
