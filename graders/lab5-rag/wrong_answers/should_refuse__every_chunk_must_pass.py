# wrong because: refuses when any chunk is below min_score (min instead of max)
# counterexample: scores (0.71, 0.2) with min_score 0.45: refuses, should answer
def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    return not chunks or any(c.metadata["score"] < min_score for c in chunks)
