# wrong because: keeps each id's best contribution (max over lists) instead of summing 1/(k + r) over all lists, so an id found by both retrievers gets no credit for the agreement.
# counterexample: rrf([["a", "b"], ["c", "b"]], top_n=3) must be ["b", "a", "c"] (b: 1/62 + 1/62 > 1/61); this gives ["a", "c", "b"].
def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    scores = {}
    for ranking in rankings:
        for rank, key in enumerate(dict.fromkeys(ranking), start=1):
            scores[key] = max(scores.get(key, 0.0), 1.0 / (k + rank))
    order = {key: i for i, key in enumerate(scores)}
    return sorted(scores, key=lambda key: (-scores[key], order[key]))[:top_n]
