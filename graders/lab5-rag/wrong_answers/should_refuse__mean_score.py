# wrong because: gates on the mean score of the chunks, not on the best one.
# counterexample: should_refuse(scored(0.60, 0.20), 0.45) must be False (best 0.60); the mean 0.40 makes this True.
def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    if not chunks:
        return True
    scores = [c.metadata["score"] for c in chunks]
    return sum(scores) / len(scores) < min_score
