# wrong because: the text says ties keep the lower index first (a stable sort), but numpy's default argsort is not stable: on rows of more than 16 values with equal similarities it mixes the tied keys.
# counterexample: with m = np.tile([0.2, 0.5], (20, 10)) and keys K0..K19, suggest_duplicates(m, keys, k=3)["K0"] is ["K1", "K3", "K5"], this answer returns ["K1", "K3", "K7"] (numpy 2 on this machine; the mix depends on numpy's sort)
def suggest_duplicates(sims, keys, k=3):
    """key -> the k most similar other keys, most similar first."""
    result = {}
    for i, key in enumerate(keys):
        order = [j for j in np.argsort(-np.asarray(sims[i])) if j != i]
        result[key] = [keys[j] for j in order[:k]]
    return result
