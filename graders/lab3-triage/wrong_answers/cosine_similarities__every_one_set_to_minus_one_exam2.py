# wrong because: the text sets only the *diagonal* to -1, but this replaces every similarity of 1 (as the self-similarity is 1), so two tickets with parallel vectors (exact duplicates) get -1 too.
# counterexample: cosine_similarities(np.array([[1.0, 0.0], [2.0, 0.0]]))[0][1] is 1.0, this answer returns -1.0
def cosine_similarities(vectors):
    """n x n cosine similarities, diagonal -1."""
    norms = np.linalg.norm(vectors, axis=1)
    sims = (vectors @ vectors.T) / np.outer(norms, norms)
    sims[sims > 1 - 1e-9] = -1.0  # a ticket with itself
    return sims
