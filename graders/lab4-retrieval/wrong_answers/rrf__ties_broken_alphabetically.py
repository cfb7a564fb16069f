# wrong because: breaks ties by the id's alphabetical order; the task says ties keep the order in which ids were first seen (list by list, rank by rank).
# counterexample: rrf([["b", "a"], ["a", "b"]], top_n=2) must be ["b", "a"] (tie, b seen first); this gives ["a", "b"].
def rrf(rankings, k=60, top_n=5):
    """Reciprocal rank fusion of ranked id lists: the top_n ids, best first, ties in first-seen order."""
    scores = {}
    for ranking in rankings:
        for rank, key in enumerate(dict.fromkeys(ranking), start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (k + rank)
    return [key for key, _ in sorted(scores.items(), key=lambda item: (-item[1], item[0]))][:top_n]
