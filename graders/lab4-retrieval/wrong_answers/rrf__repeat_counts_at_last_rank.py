# wrong because: builds {id: rank} per list with a dict comprehension, so a repeated id keeps its *last* (worst) rank; the task says it counts only at its best (first) rank there.
# counterexample: rrf([["a", "b", "c", "a"], ["b", "a"]], top_n=2) must be ["a", "b"] (tie 1/61 + 1/62, a seen first); this gives ["b", "a"] (a only 1/64 + 1/62).
def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    scores = {}
    for ranking in rankings:
        ranks = {key: rank for rank, key in enumerate(ranking, start=1)}
        for key in ranking:
            if key in ranks:
                scores[key] = scores.get(key, 0.0) + 1.0 / (k + ranks.pop(key))
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores, key=lambda key: (-scores[key], order[key]))[:top_n]
