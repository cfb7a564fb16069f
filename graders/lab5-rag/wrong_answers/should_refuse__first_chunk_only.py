def should_refuse(chunks, min_score):
    """True when no chunk scores at least min_score (or there are no chunks)."""
    if not chunks:
        return True
    return chunks[0].metadata["score"] < min_score
