# wrong because: adds a candidate above every score ("refuse everything", +inf) to the distinct best_score values;
#   the task says the candidates ARE the distinct best_score values.
# counterexample: pick_threshold([(0.4, False), (0.3, False)]) must be 0.4 (best candidate, accuracy 1/2);
#   this returns inf (refuses both).
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("nothing to tune on")
    candidates = sorted({s for s, _ in scored}) + [float("inf")]
    def accuracy(t):
        return sum((s >= t) == a for s, a in scored) / len(scored)
    best = candidates[0]
    for t in candidates[1:]:
        if accuracy(t) > accuracy(best):
            best = t
    return best
