def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("no scored questions to tune on")
    yes = [s for s, a in scored if a] or [1.0]
    no = [s for s, a in scored if not a] or [0.0]
    middle = (sum(yes) / len(yes) + sum(no) / len(no)) / 2
    return min({s for s, _ in scored}, key=lambda s: abs(s - middle))
