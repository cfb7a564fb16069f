def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    scores = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return sorted(scores, key=lambda key: -scores[key])[:top_n]
