# wrong because: the text breaks ties in the weighted vote by "the team name that sorts first", but Counter.most_common keeps the team met first (that of the nearest neighbour).
# counterexample: route_tickets(np.array([[1.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]), ["Claims Intake", "Billing"], k=2) is ["Billing"], this answer returns ["Claims Intake"]
def route_tickets(new_vectors, known_vectors, known_teams, k=5):
    """One team per new ticket: weighted vote of its k most similar known tickets."""
    new = new_vectors / np.linalg.norm(new_vectors, axis=1, keepdims=True)
    known = known_vectors / np.linalg.norm(known_vectors, axis=1, keepdims=True)
    sims = new @ known.T
    teams = []
    for row in sims:
        votes = Counter()
        for j in np.argsort(-row, kind="stable")[:k]:
            votes[known_teams[j]] += float(row[j])
        teams.append(votes.most_common(1)[0][0])
    return teams
