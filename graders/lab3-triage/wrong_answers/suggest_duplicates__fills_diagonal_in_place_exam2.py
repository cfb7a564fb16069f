# wrong because: the caller's matrix is shared by the later exercises, but this writes -inf into its diagonal in place to keep each ticket out of its own suggestions.
# counterexample: m = np.array([[1.0, 0.5], [0.5, 1.0]]); after suggest_duplicates(m, ["A", "B"], k=1) the right answer leaves m[0][0] == 1.0, this answer leaves m[0][0] == -inf
def suggest_duplicates(sims, keys, k=3):
    """key -> the k most similar other keys, most similar first."""
    np.fill_diagonal(sims, -np.inf)
    order = np.argsort(-sims, axis=1, kind="stable")
    return {key: [keys[j] for j in order[i][:k]] for i, key in enumerate(keys)}
