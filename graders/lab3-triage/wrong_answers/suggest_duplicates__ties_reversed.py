def suggest_duplicates(sims, keys, k=3):
    """key -> the k most similar other keys, most similar first."""
    out = {}
    for n, key in enumerate(keys):
        ranked = sorted(((float(s), other) for s, other in zip(sims[n], keys) if other != key), reverse=True)
        out[key] = [other for _, other in ranked[:k]]
    return out
