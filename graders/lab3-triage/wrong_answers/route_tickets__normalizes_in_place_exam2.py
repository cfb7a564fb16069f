# wrong because: the vectors belong to the caller (the notebook passes slices of its one `vectors` array, reused by every exercise), but this divides them by their lengths in place.
# counterexample: v = np.array([[3.0, 0.0]]); after route_tickets(v, np.array([[1.0, 0.0]]), ["Billing"], k=1) the right answer leaves v == [[3, 0]], this answer leaves v == [[1, 0]]
def route_tickets(new_vectors, known_vectors, known_teams, k=5):
    """One team per new ticket: weighted vote of its k most similar known tickets."""
    new_vectors /= np.linalg.norm(new_vectors, axis=1, keepdims=True)
    known_vectors /= np.linalg.norm(known_vectors, axis=1, keepdims=True)
    sims = new_vectors @ known_vectors.T
    teams = []
    for row in sims:
        votes = defaultdict(float)
        for j in np.argsort(-row, kind="stable")[:k]:
            votes[known_teams[j]] += float(row[j])
        teams.append(min(votes, key=lambda team: (-votes[team], team)))
    return teams
