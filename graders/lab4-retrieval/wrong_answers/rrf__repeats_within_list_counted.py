# wrong because: an id repeated within one list adds 1/(k + r) for every occurrence; the task says it counts only at its best (first) rank in that list.
# counterexample: rrf([["b", "a", "a"], ["a", "b"]], top_n=2) must be ["b", "a"] (tie 1/61 + 1/62 each, b seen first); this gives ["a", "b"] (a gets an extra 1/63).
def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    scores = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores, key=lambda key: (-scores[key], order[key]))[:top_n]
