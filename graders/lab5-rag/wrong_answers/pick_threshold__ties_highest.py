def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("no scored questions to tune on")
    best_t, best_acc = None, -1.0
    for t in sorted({s for s, _ in scored}):
        acc = sum((s >= t) == a for s, a in scored) / len(scored)
        if acc >= best_acc:
            best_t, best_acc = t, acc
    return best_t
