# wrong because: scans the candidates in the order they appear in the input (not sorted), so a tie goes to whichever
#   came first, not to the lowest threshold as the task demands.
# counterexample: pick_threshold([(0.9, True), (0.7, False), (0.5, True)]) must be 0.5 (0.9 and 0.5 both 2/3);
#   this returns 0.9.
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("pick_threshold: empty list")
    candidates = list(dict.fromkeys(s for s, _ in scored))   # distinct, keeps order
    accuracies = [sum((s >= t) == a for s, a in scored) / len(scored) for t in candidates]
    return candidates[accuracies.index(max(accuracies))]
