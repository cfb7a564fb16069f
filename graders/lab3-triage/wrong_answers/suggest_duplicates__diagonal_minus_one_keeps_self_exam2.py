# wrong because: the text says never suggest the ticket itself whatever the diagonal holds, but this only lowers the diagonal to -1 in a copy, so the ticket itself comes back when k reaches the other tickets tied at -1 or when k is larger than n - 1.
# counterexample: suggest_duplicates(np.array([[1.0, 0.3], [0.3, 1.0]]), ["A", "B"], k=3)["A"] is ["B"], this answer returns ["B", "A"]
def suggest_duplicates(sims, keys, k=3):
    """key -> the k most similar other keys, most similar first."""
    sims = np.array(sims, dtype=float)
    np.fill_diagonal(sims, -1.0)  # as in exercise 2: a ticket is never its own best match
    return {key: [keys[j] for j in np.argsort(-sims[i], kind="stable")[:k]] for i, key in enumerate(keys)}
