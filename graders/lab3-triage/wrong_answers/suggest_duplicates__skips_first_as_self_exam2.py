# wrong because: the text says never suggest the ticket itself "whatever the diagonal holds", but this drops the first of the sorted row assuming it is the ticket itself; with the diagonal at -1 (as cosine_similarities returns) it drops the most similar ticket instead.
# counterexample: suggest_duplicates(np.array([[-1.0, 0.9, 0.2], [0.9, -1.0, 0.4], [0.2, 0.4, -1.0]]), ["A", "B", "C"], k=1)["A"] is ["B"], this answer returns ["C"]
def suggest_duplicates(sims, keys, k=3):
    """key -> the k most similar other keys, most similar first."""
    result = {}
    for i, key in enumerate(keys):
        order = np.argsort(-sims[i], kind="stable")
        result[key] = [keys[j] for j in order[1:k + 1]]
    return result
