# wrong because: maximises BALANCED accuracy (mean of the answer rate on answerable and the refusal rate on
#   unanswerable questions, as calibrate_threshold does); the task defines accuracy as the plain share of questions
#   handled right.
# counterexample: pick_threshold([(0.9, True), (0.8, True), (0.7, True), (0.55, True), (0.5, False), (0.45, True)])
#   must be 0.45 (0.45 and 0.55 both reach 5/6; lowest wins); balanced accuracy picks 0.55.
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if len(scored) == 0:
        raise ValueError("no scores to tune on")
    pos = [s for s, a in scored if a]
    neg = [s for s, a in scored if not a]

    def rate(flags):
        return sum(flags) / len(flags) if flags else None

    best, best_value = None, -1.0
    for t in sorted(set(s for s, _ in scored)):
        parts = [r for r in (rate([s >= t for s in pos]), rate([s < t for s in neg])) if r is not None]
        value = sum(parts) / len(parts)
        if value > best_value:
            best, best_value = t, value
    return best
