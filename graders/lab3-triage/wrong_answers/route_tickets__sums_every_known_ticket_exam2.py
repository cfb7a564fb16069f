# wrong because: the text sums the similarities of the k most similar known tickets only, but this sums over every known ticket of each team, so a big team of vaguely similar tickets outvotes the nearest ones.
# counterexample: route_tickets(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0], [0.6, 0.8], [0.6, 0.8], [0.6, 0.8]]), ["Billing", "Claims Intake", "Claims Intake", "Claims Intake"], k=2) is ["Billing"] (1.0 against 0.6), this answer returns ["Claims Intake"] (1.0 against 1.8)
def route_tickets(new_vectors, known_vectors, known_teams, k=5):
    """One team per new ticket: weighted vote of its k most similar known tickets."""
    new = new_vectors / np.linalg.norm(new_vectors, axis=1, keepdims=True)
    known = known_vectors / np.linalg.norm(known_vectors, axis=1, keepdims=True)
    sims = new @ known.T
    names = sorted(set(known_teams))
    members = {team: [j for j, t in enumerate(known_teams) if t == team] for team in names}
    teams = []
    for row in sims:
        near = set(np.argsort(-row, kind="stable")[:k].tolist())
        votes = {team: float(row[members[team]].sum()) for team in names if near & set(members[team])}
        teams.append(min(votes, key=lambda team: (-votes[team], team)))
    return teams
