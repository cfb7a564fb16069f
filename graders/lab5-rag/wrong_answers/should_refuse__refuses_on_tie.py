# wrong because: refuses when the best score equals min_score (uses <=); the task says "a best score equal to
#   min_score answers".
# counterexample: should_refuse(scored(0.45, 0.30), 0.45) must be False; this returns True.
def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    if not chunks:
        return True
    return max(c.metadata["score"] for c in chunks) <= min_score
