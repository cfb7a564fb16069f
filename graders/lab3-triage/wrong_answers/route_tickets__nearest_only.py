def route_tickets(new_vectors, known_vectors, known_teams, k=5):
    """One team per new ticket: weighted vote of its k most similar known tickets."""
    def unit(v):
        v = np.asarray(v, dtype=np.float64)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    sims = unit(new_vectors) @ unit(known_vectors).T
    routed = []
    for row in sims:
        votes = defaultdict(float)
        for j in np.argsort(-row, kind="stable")[:1]:
            votes[known_teams[j]] += float(row[j])
        routed.append(min(votes, key=lambda team: (-votes[team], team)))
    return routed
