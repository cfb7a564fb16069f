def cosine_similarities(vectors):
    """n x n cosine similarities, diagonal -1."""
    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    unit = v / np.maximum(norms, 1e-12)
    sims = unit @ unit.T
    return sims
