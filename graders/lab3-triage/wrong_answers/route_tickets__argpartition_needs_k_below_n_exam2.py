# wrong because: the text takes the k most similar known tickets for any k (the explore cell uses k=5), but np.argpartition(-row, k) needs k < the number of known tickets and raises ValueError when there are only k of them.
# counterexample: route_tickets(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), ["Billing", "Claims Intake"], k=2) is ["Billing"], this answer raises ValueError
def route_tickets(new_vectors, known_vectors, known_teams, k=5):
    """One team per new ticket: weighted vote of its k most similar known tickets."""
    new = new_vectors / np.linalg.norm(new_vectors, axis=1, keepdims=True)
    known = known_vectors / np.linalg.norm(known_vectors, axis=1, keepdims=True)
    sims = new @ known.T
    teams = []
    for row in sims:
        votes = defaultdict(float)
        for j in np.argpartition(-row, k)[:k]:  # the k largest, in any order: the sum does not care
            votes[known_teams[j]] += float(row[j])
        teams.append(min(votes, key=lambda team: (-votes[team], team)))
    return teams
