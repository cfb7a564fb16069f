def pick_threshold(scored):
    """The score threshold with the best accuracy on (best_score, answerable) pairs; lowest on a tie."""
    if not scored:
        raise ValueError("no scored questions to tune on")

    def accuracy(t):
        return sum((score > t) == bool(answerable) for score, answerable in scored) / len(scored)

    return max(sorted({score for score, _ in scored}), key=lambda t: (accuracy(t), -t))
