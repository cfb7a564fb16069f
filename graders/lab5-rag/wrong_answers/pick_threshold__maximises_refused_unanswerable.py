# wrong because: maximises only the number of unanswerable questions refused (lowest threshold on a tie) and ignores
#   the answerable questions it wrongly refuses; the task's accuracy counts both kinds of right decision.
# counterexample: pick_threshold([(0.9, True), (0.8, True), (0.5, False), (0.4, True)]) must be 0.4 (0.4 and 0.8
#   both 3/4; lowest wins); this returns 0.8.
def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("no questions")
    best, best_hits = None, -1
    for t in sorted({s for s, _ in scored}):
        hits = sum(1 for s, a in scored if not a and s < t)
        if hits > best_hits:
            best, best_hits = t, hits
    return best
