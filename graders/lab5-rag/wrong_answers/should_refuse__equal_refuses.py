def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    if not chunks:
        return True
    return max(c.metadata["score"] for c in chunks) <= min_score
