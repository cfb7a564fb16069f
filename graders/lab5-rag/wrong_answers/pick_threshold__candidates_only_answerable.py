# wrong because: only the scores of ANSWERABLE questions are tried as thresholds; the task says the candidates are
#   all distinct best_score values.
# counterexample: pick_threshold([(0.1, True), (0.2, False), (0.3, False), (0.9, False)]) must be 0.9
#   (accuracy 2/4; 0.1 gets 1/4); this returns 0.1.
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("empty")
    candidates = sorted({s for s, a in scored if a}) or sorted({s for s, _ in scored})
    best_t, best_acc = None, None
    for t in candidates:
        acc = sum((s >= t) == a for s, a in scored) / len(scored)
        if best_acc is None or acc > best_acc:
            best_t, best_acc = t, acc
    return best_t
