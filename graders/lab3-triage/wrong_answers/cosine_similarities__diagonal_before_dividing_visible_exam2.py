# wrong because: the text wants the diagonal of the *cosine* matrix at -1, but this sets it in the dot products and then divides, so the diagonal becomes -1 / |a|^2.
# counterexample: cosine_similarities(np.array([[1.0, 1.0]]))[0][0] is -1.0, this answer returns -0.5
def cosine_similarities(vectors):
    """n x n cosine similarities, diagonal -1."""
    dots = vectors @ vectors.T
    np.fill_diagonal(dots, -1.0)
    norms = np.linalg.norm(vectors, axis=1)
    return dots / np.outer(norms, norms)
