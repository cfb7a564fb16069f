def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("no scored questions to tune on")
    unanswerable = [s for s, a in scored if not a]
    answerable = sorted(s for s, a in scored if a)
    if not unanswerable:
        return min(answerable)
    above = [s for s in answerable if s > max(unanswerable)]
    return min(above) if above else max(unanswerable)
