def threshold_report(sims, keys, true_pairs, thresholds):
    """Precision, recall and F1 of flagging every pair at or above each threshold."""
    sims = np.asarray(sims)
    upper_i, upper_j = np.triu_indices(len(keys), k=1)
    scores = sims[upper_i, upper_j]
    is_true = np.array([frozenset((keys[a], keys[b])) in true_pairs for a, b in zip(upper_i, upper_j)], dtype=bool)
    rows = []
    for threshold in thresholds:
        flagged = scores >= threshold
        hits = int((flagged & is_true).sum())
        precision = hits / int(flagged.sum()) if flagged.any() else 0.0
        recall = hits / len(true_pairs) if true_pairs else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"threshold": threshold, "flagged": int(flagged.sum()), "precision": precision,
                     "recall": recall, "f1": f1})
    return rows
