# wrong because: hard-codes the constant 60 instead of using the k argument, so rrf(..., k=2) fuses as if k were 60; the task says an id gets 1/(k + r).
# counterexample: rrf([["f", "d"], ["b", "d", "g", "f"]], k=2, top_n=2) must be ["f", "d"] (f: 1/3 + 1/6 = 0.5 > d: 1/4 + 1/4); this gives ["d", "f"].
def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    scores = {}
    for ranking in rankings:
        for rank, key in enumerate(dict.fromkeys(ranking), start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (60 + rank)
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores, key=lambda key: (-scores[key], order[key]))[:top_n]
