def suggest_duplicates(sims, keys, k=3):
    """key -> the k most similar other keys, most similar first."""
    sims = np.asarray(sims)
    out = {}
    for n, key in enumerate(keys):
        order = [j for j in np.argsort(-sims[n], kind="stable") if j != n]
        out[key] = [keys[j] for j in order[:k + 1]]
    return out
