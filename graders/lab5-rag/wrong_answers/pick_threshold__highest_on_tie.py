# wrong because: on a tie returns the highest threshold
# counterexample: pick_threshold([(0.8, True), (0.6, False), (0.4, True)]) gives 0.8, should be 0.4 (both 2/3)
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("no scores to tune on")
    def accuracy(t):
        return sum((s >= t) == answerable for s, answerable in scored) / len(scored)
    candidates = sorted({s for s, _ in scored})
    return max(reversed(candidates), key=accuracy)
