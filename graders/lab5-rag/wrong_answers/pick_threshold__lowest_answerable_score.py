# wrong because: assumes the optimum is the lowest score of an answerable question (answers every answerable one)
#   instead of computing each candidate's accuracy.
# counterexample: pick_threshold([(0.9, True), (0.8, True), (0.7, False), (0.6, False), (0.2, True)]) must be 0.8
#   (accuracy 4/5; 0.2 only reaches 3/5); this returns 0.2.
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("empty gold set")
    answerable = [s for s, a in scored if a]
    if not answerable:
        return max(s for s, _ in scored)
    return min(answerable)
