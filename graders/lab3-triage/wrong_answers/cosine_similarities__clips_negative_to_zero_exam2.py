# wrong because: the text asks for the cosine a.b / (|a| |b|), which is negative for vectors pointing apart, but this clips every similarity to [0, 1].
# counterexample: cosine_similarities(np.array([[1.0, 0.0], [-1.0, 0.0]]))[0][1] is -1.0, this answer returns 0.0
def cosine_similarities(vectors):
    """n x n cosine similarities, diagonal -1."""
    norms = np.linalg.norm(vectors, axis=1)
    sims = np.clip((vectors @ vectors.T) / np.outer(norms, norms), 0.0, 1.0)
    np.fill_diagonal(sims, -1.0)
    return sims
