# wrong because: uses the last chunk's score as the best (assumes the chunks arrive sorted ascending); the task says
#   the best score among them counts and not to assume they arrive sorted.
# counterexample: should_refuse(scored(0.71, 0.30), 0.45) must be False (best 0.71); this returns True.
def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    if len(chunks) == 0:
        return True
    best = chunks[-1].metadata["score"]
    return best < min_score
