# wrong because: the function is given the caller's `vectors` (the notebook reuses them for routing in exercise 5), and dividing them by their lengths in place changes them to unit vectors.
# counterexample: v = np.array([[3.0, 0.0], [0.0, 2.0]]); cosine_similarities(v) leaves v as [[3, 0], [0, 2]] in the right answer; this answer leaves v == [[1, 0], [0, 1]]
def cosine_similarities(vectors):
    """n x n cosine similarities, diagonal -1."""
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1.0)
    return sims
