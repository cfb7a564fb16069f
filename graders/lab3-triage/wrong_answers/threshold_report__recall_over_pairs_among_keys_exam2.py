# wrong because: the text defines recall as true duplicates flagged / *all* true pairs, but this divides only by the true pairs whose both keys are in `keys`, so pairs the matrix cannot score silently stop counting as missed.
# counterexample: threshold_report(np.array([[-1.0, 0.9], [0.9, -1.0]]), ["A", "B"], {frozenset({"A", "B"}), frozenset({"A", "Z"})}, [0.5])[0]["recall"] is 0.5, this answer returns 1.0
def threshold_report(sims, keys, true_pairs, thresholds):
    """Precision, recall and F1 of flagging every pair at or above each threshold."""
    n = len(keys)
    known = set(keys)
    truth = {pair for pair in true_pairs if pair <= known}
    scored = [(float(sims[i][j]), frozenset({keys[i], keys[j]})) for i in range(n) for j in range(i + 1, n)]
    report = []
    for threshold in thresholds:
        flagged = [pair for score, pair in scored if score >= threshold]
        hits = sum(pair in truth for pair in flagged)
        precision = hits / len(flagged) if flagged else 1.0
        recall = hits / len(truth) if truth else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        report.append({"threshold": threshold, "flagged": len(flagged), "precision": precision, "recall": recall,
                       "f1": f1})
    return report
