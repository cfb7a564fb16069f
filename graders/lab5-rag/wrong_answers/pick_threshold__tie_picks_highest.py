# wrong because: on a tie in accuracy it keeps the later (higher) candidate (>= while scanning upwards); the task
#   says: on a tie, the LOWEST such threshold (refuse less).
# counterexample: pick_threshold([(0.9, True), (0.7, False), (0.5, True)]) must be 0.5 (0.5 and 0.9 both reach 2/3);
#   this returns 0.9.
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("pick_threshold needs at least one (best_score, answerable) pair")
    best_t, best_acc = None, -1.0
    for t in sorted({s for s, _ in scored}):
        correct = sum(1 for s, answerable in scored if (s >= t) == answerable)
        acc = correct / len(scored)
        if acc >= best_acc:
            best_t, best_acc = t, acc
    return best_t
