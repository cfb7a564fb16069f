# wrong because: takes the first chunk's score as the best (assumes the chunks are sorted); the task says "Do not
#   assume the chunks arrive sorted by score".
# counterexample: should_refuse(scored(0.30, 0.71), 0.45) must be False (best 0.71); this returns True.
def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    if not chunks:
        return True
    return chunks[0].metadata["score"] < min_score
