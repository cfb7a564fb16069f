# wrong because: max() over the candidates in input order: a tie goes to the first seen, not the lowest
# counterexample: pick_threshold([(0.8, True), (0.6, False), (0.4, True)]) gives 0.8, should be 0.4
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("no scores to tune on")
    candidates = list(dict.fromkeys(s for s, _ in scored))
    return max(candidates, key=lambda t: sum((s >= t) == a for s, a in scored) / len(scored))
