# wrong because: uses 0-based ranks (1/(k + 0) for the first id); the task says r counts from 1. With k=60 the order rarely changes, with a small k it does (and k=0 divides by zero).
# counterexample: rrf([["x", "y"], ["z", "y"]], k=1, top_n=3) must be ["y", "x", "z"] (y: 1/3 + 1/3 > x: 1/2); this gives ["x", "y", "z"] (x: 1/1 ties y: 1/2 + 1/2).
def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    scores = {}
    for ranking in rankings:
        for rank, key in enumerate(dict.fromkeys(ranking)):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores, key=lambda key: (-scores[key], order[key]))[:top_n]
