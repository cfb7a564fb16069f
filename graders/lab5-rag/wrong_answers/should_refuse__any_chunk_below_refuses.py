# wrong because: refuses when ANY chunk is below min_score (looks at the lowest score); the task says only the best
#   score counts.
# counterexample: should_refuse(scored(0.71, 0.30), 0.45) must be False (best 0.71 >= 0.45); this returns True.
def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    if not chunks:
        return True
    return any(c.metadata["score"] < min_score for c in chunks)
