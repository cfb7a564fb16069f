"""Lab 3 — Triage and duplicates: the notebook's source. ``shiplab course render lab3-triage`` writes lab3-triage.ipynb
from it; the cell headers (``# %% solution <grade_id>``, …) are explained in shiplab.course.authoring. It holds the
solutions and hidden tests: never released.
"""

# %% [markdown] intro
# # Lab 3 — Triage and duplicates with embeddings (82 minutes)
#
# Nordlicht's service desk closes about one ticket in sixteen as a *duplicate* — after someone has already spent
# time on it. Two questions a triage assistant can answer before that happens: **has this been reported already?**
# and **which team should get it?**
#
# You answer both with sentence embeddings (all-MiniLM-L6-v2 from `shiplab.rag`: on the hub the model gateway serves
# it once for everyone, elsewhere it runs in your kernel) and measure honestly: the sample backlog's *Duplicate*
# links are the answer key. You will find that the same vectors are good at one job and poor at another — and the
# error analysis tells you why.
#
# **How to work:** as before. The set-up cell embeds 300 sample tickets once (about 10 seconds); every exercise works
# on those vectors, so the tests are quick. Graded work runs on the sample; part 8 (required, 15 minutes) runs your
# `suggest_duplicates` on your own backlog export in `~/backlog/` and has you judge its suggestions by hand.

# %% code setup
from collections import Counter, defaultdict

import numpy as np

from shiplab.data import BacklogItem, ImportProblem, find_user_backlog, load_sample_backlog
from shiplab.rag import default_embeddings
from shiplab_checks import check_call, check_close, check_equal, check_that

embedder = default_embeddings()  # the hub's gateway when there is one, else the model in this kernel
backlog = load_sample_backlog("jira")
candidates = [i for i in backlog if i.type in ("Bug", "Incident", "Story") and i.components]
with_links = [i for i in candidates if i.links]
others = [i for i in candidates if not i.links]
tickets = sorted(with_links + others[::5][:300 - len(with_links)], key=lambda i: int(i.key.split("-")[1]))


def ticket_text(item):
    # what we embed: the summary and the start of the description (templates repeat further down)
    return f"{item.summary}. {item.description[:300]}"


keys = [i.key for i in tickets]
vectors = np.array(embedder.embed_documents([ticket_text(i) for i in tickets]), dtype=np.float32)
print(f"{len(tickets)} sample tickets embedded with {type(embedder).__name__}: vectors {vectors.shape}")

# %% [markdown] ex1_text
# ## 1. The answer key: duplicate pairs (given; 2 minutes to read)
#
# Jira links duplicates both ways: `NVA-1031` *duplicates* `NVA-325`, and `NVA-325` *is duplicated by* `NVA-1031`.
# In a `BacklogItem` they are `item.links`, a list of `(link type, other key)`. The cell below is given: read it.
# `duplicate_pairs(items)` returns the **set of pairs**, each a `frozenset({key_a, key_b})` (so a pair counted from both sides is one pair),
# for every link whose type contains `duplicate` in any case (other tools write `Duplicate` or `is duplicate of`),
# keeping only pairs whose **both** tickets are among `items`. A ticket linked to itself is no pair.

# %% code duplicate_pairs
def duplicate_pairs(items):
    """Unordered pairs of keys linked as duplicates, both among items."""
    present = {i.key for i in items}
    return {frozenset((i.key, other)) for i in items for kind, other in i.links
            if "duplicate" in kind.lower() and other in present and other != i.key}

# %% free explore_pairs
# explore: the answer key of the 300 sample tickets
true_pairs = duplicate_pairs(tickets)
print(f"{len(true_pairs)} duplicate pairs among the {len(tickets)} tickets, e.g. {sorted(next(iter(true_pairs)))}")

# %% [markdown] ex2_text
# ## 2. Cosine similarity for every pair (given; 2 minutes to read)
#
# The cell below is given: `cosine_similarities(vectors)` returns, for an `n × d` numpy array, the `n × n` matrix of cosine similarities
# (`a·b / (|a| |b|)`) as a numpy array, with the **diagonal set to -1** so that a ticket is never its own best match. It does not assume
# the vectors have length 1 (another embedding model, or the gateway of another hub, may not normalize them) and uses
# numpy: a loop over 300 × 300 pairs in Python is slow.

# %% code cosine_similarities
def cosine_similarities(vectors):
    """n x n cosine similarities, diagonal -1."""
    v = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    unit = v / np.maximum(norms, 1e-12)
    sims = unit @ unit.T
    np.fill_diagonal(sims, -1.0)
    return sims

# %% free explore_similarities
# explore: all similarities of the sample tickets. How similar are duplicates?
sims = cosine_similarities(vectors)
index = {key: n for n, key in enumerate(keys)}
dup_scores = sorted(float(sims[index[a], index[b]]) for a, b in map(sorted, true_pairs))
print(f"duplicates: median similarity {np.median(dup_scores):.2f} (lowest {dup_scores[0]:.2f}); "
      f"all pairs: median {np.median(sims[np.triu_indices(len(keys), 1)]):.2f}")

# %% [markdown] ex3_text
# ## 3. Suggest possible duplicates (10 minutes)
#
# A triage assistant does not decide; it **suggests**: "this looks like NVA-325, NVA-88, NVA-710". Write
# `suggest_duplicates(sims, keys, k=3)` returning a dict `key → list of the k keys most similar to it, most similar
# first`. Never suggest the ticket itself, whatever the diagonal holds. Ties keep the lower index first (a stable
# sort: `np.argsort(-row, kind="stable")`).

# %% solution suggest_duplicates
def suggest_duplicates(sims, keys, k=3):
    """key -> the k most similar other keys, most similar first."""
    ### BEGIN SOLUTION
    sims = np.asarray(sims)
    out = {}
    for n, key in enumerate(keys):
        order = [j for j in np.argsort(-sims[n], kind="stable") if j != n]
        out[key] = [keys[j] for j in order[:k]]
    return out
    ### END SOLUTION

# %% tests test_suggest_duplicates points=3
# Visible tests (3 points)
m = np.array([[1.0, 0.2, 0.9, 0.5],
              [0.2, 1.0, 0.1, 0.7],
              [0.9, 0.1, 1.0, 0.3],
              [0.5, 0.7, 0.3, 1.0]])
got = check_call(suggest_duplicates, m, ["A", "B", "C", "D"], k=2)
check_equal(got["A"], ["C", "D"], label='suggestions for "A"', hint="most similar first, never the ticket itself "
                                                                      "(the diagonal here is 1.0).")
check_equal(got["B"], ["D", "A"], label='suggestions for "B"')
check_equal(sorted(got), ["A", "B", "C", "D"], label="the keys of the result")
print("Exercise 3: visible tests passed.")
### BEGIN HIDDEN TESTS
check_equal(suggest_duplicates(m, ["A", "B", "C", "D"], k=3)["C"], ["A", "D", "B"], secret=True,
            hint="k suggestions, most similar first.")
check_equal(suggest_duplicates(m, ["A", "B", "C", "D"], k=1), {"A": ["C"], "B": ["D"], "C": ["A"], "D": ["B"]},
            secret=True, hint="exactly k suggestions.")
_tie = np.array([[-1.0, 0.5, 0.5], [0.5, -1.0, 0.2], [0.5, 0.2, -1.0]])
check_equal(suggest_duplicates(_tie, ["x", "y", "z"], k=2)["x"], ["y", "z"], secret=True,
            hint="ties keep the lower index first (stable sort).")
_unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
_sims = _unit @ _unit.T
np.fill_diagonal(_sims, -1.0)
_s = suggest_duplicates(_sims, keys, k=5)
check_that(all(len(v) == 5 and k_ not in v for k_, v in _s.items()), "On the sample, each ticket needs 5 "
           "suggestions, none of them itself.")
_n = keys.index(keys[17])
_order = [keys[j] for j in np.argsort(-_sims[_n], kind="stable") if j != _n][:5]
check_equal(_s[keys[17]], _order, secret=True, hint="on the sample: the 5 most similar, most similar first.")
from shiplab_checks import case_rng, check_against


def _ref_suggest(sims, keys, k=3):
    _s = np.asarray(sims)
    return {key: [keys[j] for j in [j for j in np.argsort(-_s[n], kind="stable") if j != n][:k]]
            for n, key in enumerate(keys)}


def _similarity_sets(seed, n=120):
    rng = case_rng(seed)
    for _ in range(n):
        size = rng.randint(1, 7)
        sims = np.full((size, size), -1.0)
        for a in range(size):
            for b in range(a + 1, size):
                sims[a, b] = sims[b, a] = rng.choice([0.1, 0.5, 0.5, 0.9])
        keys = [f"NVA-{rng.choice([9, 10, 99, 100, 999, 1000])}{i}" for i in range(size)]
        yield (sims, keys, rng.choice([0, 1, 2, 3, 8]))


check_against(suggest_duplicates, _ref_suggest, list(_similarity_sets(101)),
              hint="for each key, the k other keys with the highest similarity, best first; ties in the order of "
                   "keys; never the key itself; k may be 0 or more than the others.")
### END HIDDEN TESTS

# %% free explore_recall
# explore: how often is the real duplicate among the suggestions? (recall@k: the share of tickets in a duplicate
# pair whose partner is suggested). This is the number that tells the service desk whether to trust the list.
for k in (1, 3, 5, 10):
    shown = suggest_duplicates(sims, keys, k=k)
    found = [partner in shown[key] for pair in true_pairs for key, partner in (tuple(pair), tuple(pair)[::-1])]
    print(f"recall@{k:<2}: {sum(found) / len(found):.0%} of {len(found)} duplicate tickets see their partner")

# %% [markdown] ex4_text
# ## 4. Auto-flag above a threshold? Precision, recall, and a choice (15 minutes)
#
# Suggesting is cheap. **Auto-flagging** (a bot comments "probable duplicate of …") needs a threshold: flag every
# pair of tickets whose similarity is **at least** the threshold. Write:
#
# - `threshold_report(sims, keys, true_pairs, thresholds)`: for each threshold, in the order given, a dict
#   `{"threshold", "flagged", "precision", "recall", "f1"}` over the **unordered** pairs `i < j` (each pair once):
#   `flagged` = pairs at or above the threshold (cosine runs from -1 to 1, so a threshold may be 0 or below);
#   precision = true duplicates among them / flagged (**1.0** when nothing is flagged); recall = true duplicates
#   flagged / **all** true pairs (a true pair with a key outside `keys` counts too: it can never be flagged; 0.0 when
#   there are no true pairs); F1 = 2PR / (P + R) (0.0 when P + R is 0).
# - `choose_threshold(report, min_precision)`: the service desk accepts a bot that is right at least
#   `min_precision` of the time. Return the row with the **highest recall** among rows with precision ≥
#   `min_precision` — exactly, no slack — (ties: the higher threshold, whatever order the rows come in), or `None`
#   when no row qualifies. Leave the report as it was given (the notebook prints it afterwards).

# %% solution threshold_report
def threshold_report(sims, keys, true_pairs, thresholds):
    """Precision, recall and F1 of flagging every pair at or above each threshold."""
    ### BEGIN SOLUTION
    sims = np.asarray(sims)
    upper_i, upper_j = np.triu_indices(len(keys), k=1)
    scores = sims[upper_i, upper_j]
    is_true = np.array([frozenset((keys[a], keys[b])) in true_pairs for a, b in zip(upper_i, upper_j)], dtype=bool)
    rows = []
    for threshold in thresholds:
        flagged = scores >= threshold
        hits = int((flagged & is_true).sum())
        precision = hits / int(flagged.sum()) if flagged.any() else 1.0
        recall = hits / len(true_pairs) if true_pairs else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append({"threshold": threshold, "flagged": int(flagged.sum()), "precision": precision,
                     "recall": recall, "f1": f1})
    return rows
    ### END SOLUTION

# %% tests test_threshold_report points=3
# Visible tests: the report (3 points)
keys4 = ["A", "B", "C", "D"]
truth4 = {frozenset({"A", "B"}), frozenset({"C", "D"})}
m4 = np.array([[-1.0, 0.9, 0.8, 0.1],
               [0.9, -1.0, 0.3, 0.2],
               [0.8, 0.3, -1.0, 0.6],
               [0.1, 0.2, 0.6, -1.0]])
rep = threshold_report(m4, keys4, truth4, [0.85, 0.6])
check_equal([r["flagged"] for r in rep], [1, 3], label="flagged per threshold",
            hint="each unordered pair once; 'at least' the threshold.")
check_close(rep[1]["precision"], 2 / 3, label="precision at 0.6")
check_close(rep[1]["recall"], 1.0, label="recall at 0.6")
check_close(rep[0]["f1"], 2 * 1.0 * 0.5 / 1.5, label="f1 at 0.85")
print("Exercise 4, report: visible tests passed.")
### BEGIN HIDDEN TESTS
_r = threshold_report(m4, keys4, truth4, [0.95, 0.8, 0.05])
check_equal([x["flagged"] for x in _r], [0, 2, 6], secret=True, hint="at least the threshold; each pair once.")
check_close(_r[0]["precision"], 1.0, secret=True, hint="nothing flagged: precision 1.0.")
check_close(_r[0]["f1"], 0.0, secret=True, hint="recall 0: F1 is 0.")
check_close(_r[1]["precision"], 0.5, secret=True, hint="A-C is flagged but no duplicate.")
check_equal([x["threshold"] for x in _r], [0.95, 0.8, 0.05], secret=True, hint="one row per threshold, in order.")
_t = [0.6, 0.7, 0.8]
_unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
_sims = _unit @ _unit.T
_true = {frozenset((i.key, o)) for i in tickets for t, o in i.links if "duplicate" in t.lower() and o in set(keys)}
_mine = threshold_report(_sims, keys, _true, _t)
_iu = np.triu_indices(len(keys), 1)
for _row, _th in zip(_mine, _t):
    _flag = {frozenset((keys[a], keys[b])) for a, b in zip(*_iu) if _sims[a, b] >= _th}
    check_equal(_row["flagged"], len(_flag), secret=True, hint="on the sample: pairs at or above the threshold.")
    check_close(_row["recall"], len(_flag & _true) / len(_true), secret=True, hint="recall on the sample.")
from shiplab_checks import case_rng, check_against


def _ref_report(sims, keys, true_pairs, thresholds):
    _s = np.asarray(sims)
    _i, _j = np.triu_indices(len(keys), k=1)
    _scores = _s[_i, _j]
    _true = np.array([frozenset((keys[a], keys[b])) in true_pairs for a, b in zip(_i, _j)], dtype=bool)
    _rows = []
    for _t in thresholds:
        _flag = _scores >= _t
        _hits = int((_flag & _true).sum())
        _p = _hits / int(_flag.sum()) if _flag.any() else 1.0
        _r = _hits / len(true_pairs) if true_pairs else 0.0
        _rows.append({"threshold": _t, "flagged": int(_flag.sum()), "precision": _p, "recall": _r,
                      "f1": 2 * _p * _r / (_p + _r) if _p + _r else 0.0})
    return _rows


def _reports(seed, n=80):
    rng = case_rng(seed)
    for _ in range(n):
        size = rng.randint(2, 6)
        keys = [f"K{i}" for i in range(size)]
        sims = np.full((size, size), -1.0)
        for a in range(size):
            for b in range(a + 1, size):
                sims[a, b] = sims[b, a] = rng.choice([-0.4, 0.0, 0.2, 0.5, 0.7, 0.9])
        pairs = {frozenset(rng.sample(keys, 2)) for _ in range(rng.randint(0, 3))}
        if rng.random() < 0.3:  # a true pair with a ticket outside keys
            pairs.add(frozenset({rng.choice(keys), "OUT-1"}))
        yield (sims, keys, pairs, sorted(rng.sample([-0.5, 0.0, 0.2, 0.5, 0.6, 0.7, 0.9, 0.95], rng.randint(1, 4))))


check_against(threshold_report, _ref_report, list(_reports(103)),
              hint="every unordered pair once, flagged when its similarity is at or above the threshold; precision "
                   "1.0 when nothing is flagged; recall over all true pairs; one row per threshold, in order.")
### END HIDDEN TESTS

# %% solution choose_threshold
def choose_threshold(report, min_precision):
    """The row with the highest recall whose precision is at least min_precision, or None."""
    ### BEGIN SOLUTION
    good = [row for row in report if row["precision"] >= min_precision]
    if not good:
        return None
    return max(good, key=lambda row: (row["recall"], row["threshold"]))
    ### END SOLUTION

# %% tests test_choose_threshold points=1
# Visible tests: the choice (1 point)
rows = [{"threshold": 0.6, "precision": 0.4, "recall": 0.9, "f1": 0.55, "flagged": 9},
        {"threshold": 0.7, "precision": 0.8, "recall": 0.6, "f1": 0.69, "flagged": 3},
        {"threshold": 0.8, "precision": 0.95, "recall": 0.3, "f1": 0.46, "flagged": 1}]
check_equal(choose_threshold(rows, 0.75)["threshold"], 0.7, label="the threshold chosen for precision >= 0.75",
            hint="the highest recall among the rows precise enough.")
check_equal(choose_threshold(rows, 0.99), None, label="the choice when no row is precise enough")
print("Exercise 4, choice: visible tests passed.")
### BEGIN HIDDEN TESTS
check_equal(choose_threshold(rows, 0.4)["threshold"], 0.6, secret=True, hint="precision at least min_precision.")
check_equal(choose_threshold(rows, 0.9)["threshold"], 0.8, secret=True, hint="the only row precise enough.")
_tied = rows + [{"threshold": 0.75, "precision": 0.85, "recall": 0.6, "f1": 0.7, "flagged": 3}]
check_equal(choose_threshold(_tied, 0.75)["threshold"], 0.75, secret=True, hint="equal recall: the higher threshold.")
check_equal(choose_threshold([], 0.5), None, secret=True, hint="no rows: None.")
from shiplab_checks import case_rng, check_against


def _ref_choose(report, min_precision):
    _good = [row for row in report if row["precision"] >= min_precision]
    return max(_good, key=lambda row: (row["recall"], row["threshold"])) if _good else None


def _choices(seed, n=120):
    rng = case_rng(seed)
    for _ in range(n):
        rows = [{"threshold": t, "precision": rng.choice([0.4, 0.595, 0.6, 0.61, 0.8, 1.0]),
                 "recall": rng.choice([0.2, 0.5, 0.5, 0.9]), "f1": 0.5, "flagged": rng.randint(0, 9)}
                for t in rng.sample([0.5, 0.6, 0.7, 0.8, 0.9], rng.randint(0, 5))]
        yield (rows, rng.choice([0.0, 0.6, 0.75, 1.0]))


check_against(choose_threshold, _ref_choose, list(_choices(109)),
              hint="precision at least min_precision, exactly; the highest recall; equal recall: the higher threshold "
                   "in whatever order the rows come; the report left as it was; None when no row qualifies.")
### END HIDDEN TESTS

# %% free explore_curve
# explore: the whole curve on the sample, and the threshold a service desk that wants 60% precision would get.
curve = threshold_report(sims, keys, true_pairs, [round(t, 2) for t in np.arange(0.5, 0.96, 0.05)])
print(f"{'threshold':>9} {'flagged':>7} {'precision':>9} {'recall':>6} {'F1':>5}")
for row in curve:
    print(f"{row['threshold']:9.2f} {row['flagged']:7d} {row['precision']:9.2f} {row['recall']:6.2f} {row['f1']:5.2f}")
print("chosen for precision >= 0.6:", choose_threshold(curve, 0.6))

# %% free explore_errors
# explore — error analysis (2 minutes): the three highest-scoring pairs that are NOT duplicates, and the three
# duplicates with the lowest score. What do the false alarms share?
upper = [(float(np.asarray(sims)[a, b]), keys[a], keys[b]) for a, b in zip(*np.triu_indices(len(keys), 1))]
by_key = {i.key: i for i in tickets}
false_alarms = sorted((p for p in upper if frozenset(p[1:]) not in true_pairs), reverse=True)[:3]
missed = sorted(p for p in upper if frozenset(p[1:]) in true_pairs)[:3]
for title, rows in (("FALSE ALARMS (similar, not duplicates)", false_alarms), ("MISSED (duplicates, low score)", missed)):
    print(f"\n{title}")
    for score, x, y in rows:
        print(f"  {score:.2f}  {x}: {by_key[x].summary[:70]}\n        {y}: {by_key[y].summary[:70]}")

# %% [markdown] discuss_errors
# **What the errors show:** false alarms share a *component and a template* ("Found during regression testing of
# release …") but not the *symptom*; missed duplicates describe the same fault from the customer's and the
# developer's side. Whether to ship auto-flagging or only the top-3 suggestions you decide in part 8, on your own
# tickets.

# %% [markdown] ex5_text
# ## 5. Route new tickets to a team (15 minutes)
#
# A new ticket goes to the team that handled the most similar tickets before. The sample's team is the ticket's first
# component. The set-up below splits the 300 tickets by creation time: the oldest 75% are *known* (team known), the
# newest 25% are *new*.
#
# Write `route_tickets(new_vectors, known_vectors, known_teams, k=5)` returning a list with one team per new ticket:
# take its `k` most similar known tickets (cosine similarity — do not assume unit vectors) and return the team with
# the **largest sum of similarities** among them (a weighted vote: one very similar ticket can outweigh two vaguely
# similar ones). Ties: the team name that sorts first; equal similarities at the k-th place: the known ticket that
# comes first. Do not change the arrays you are given.

# %% code split
order = sorted(range(len(tickets)), key=lambda n: tickets[n].created)
cut = int(len(order) * 0.75)
known_idx, new_idx = order[:cut], order[cut:]
teams = [i.components[0] for i in tickets]
print(f"{len(known_idx)} known tickets, {len(new_idx)} new; teams: {dict(Counter(teams))}")

# %% solution route_tickets
def route_tickets(new_vectors, known_vectors, known_teams, k=5):
    """One team per new ticket: weighted vote of its k most similar known tickets."""
    ### BEGIN SOLUTION
    def unit(v):
        v = np.asarray(v, dtype=np.float64)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    sims = unit(new_vectors) @ unit(known_vectors).T
    routed = []
    for row in sims:
        votes = defaultdict(float)
        for j in np.argsort(-row, kind="stable")[:k]:
            votes[known_teams[j]] += float(row[j])
        routed.append(min(votes, key=lambda team: (-votes[team], team)))
    return routed
    ### END SOLUTION

# %% tests test_route_tickets points=3
# Visible tests (3 points)
known_v = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [0.7, 0.7]])
known_t = ["Billing", "Billing", "Claims Intake", "Claims Intake", "Customer Portal"]
check_equal(route_tickets(np.array([[1.0, 0.05], [0.0, 3.0]]), known_v, known_t, k=2),
            ["Billing", "Claims Intake"], label="the teams for two new tickets")
print("Exercise 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_kv = np.array([[1.0, 0.0], [0.0, 1.0], [0.05, 1.0], [-1.0, 0.2]])
_kt = ["A-team", "B-team", "B-team", "C-team"]
check_equal(route_tickets(np.array([[1.0, 0.35]]), _kv, _kt, k=3), ["A-team"], secret=True,
            hint="weigh each neighbour by its similarity: one close ticket can outweigh two distant ones.")
check_equal(route_tickets(np.array([[1.0, 0.35]]), _kv * np.array([[1.0], [50.0], [50.0], [1.0]]), _kt, k=1),
            ["A-team"], secret=True, hint="cosine similarity: normalize both sides.")
check_equal(route_tickets(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0], [0.0, 2.0], [1.0, 0.0]]),
                          ["Zeta", "Beta", "Alpha"], k=2), ["Beta"], secret=True,
            hint="ties go to the team name that sorts first.")
check_equal(route_tickets(np.array([[0.0, 1.0]]), np.array([[0.0, 1.0], [0.3, 1.0], [0.3, 1.0]]), ["A", "B", "B"],
                          k=1), ["A"], secret=True, hint="use exactly the k most similar known tickets.")
check_equal(route_tickets(np.array([[0.0, 1.0], [1.0, 0.0]]), _kv, _kt, k=4), ["B-team", "A-team"], secret=True,
            hint="only the k most similar count; negative similarities lower a team's sum.")
_ref = []
_kn = vectors[known_idx] / np.linalg.norm(vectors[known_idx], axis=1, keepdims=True)
_nw = vectors[new_idx] / np.linalg.norm(vectors[new_idx], axis=1, keepdims=True)
for _row in _nw @ _kn.T:
    _votes = defaultdict(float)
    for _j in np.argsort(-_row, kind="stable")[:5]:
        _votes[teams[known_idx[_j]]] += float(_row[_j])
    _ref.append(min(_votes, key=lambda t: (-_votes[t], t)))
_mine = route_tickets(vectors[new_idx], vectors[known_idx], [teams[n] for n in known_idx], k=5)
_agree = sum(a == b for a, b in zip(_mine, _ref)) / len(_ref)
check_that(_agree >= 0.97, "On the sample, the routes differ from a weighted 5-nearest-neighbour vote.",
           "k most similar known tickets, similarity-weighted vote, ties by name.")
from shiplab_checks import case_rng, check_against


def _ref_route(new_vectors, known_vectors, known_teams, k=5):
    def _unit(v):
        v = np.asarray(v, dtype=np.float64)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    _out = []
    for _row in _unit(new_vectors) @ _unit(known_vectors).T:
        _votes = defaultdict(float)
        for _j in np.argsort(-_row, kind="stable")[:k]:
            _votes[known_teams[_j]] += float(_row[_j])
        _out.append(min(_votes, key=lambda t: (-_votes[t], t)))
    return _out


def _route_cases(seed, n=80):
    rng = case_rng(seed)
    for _ in range(n):
        dim, known = rng.randint(2, 3), rng.randint(2, 6)
        vec = lambda: [rng.choice([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0]) for _ in range(dim)]
        kv = np.array([vec() for _ in range(known)]) + np.eye(known, dim)  # no all-zero rows
        nv = np.array([vec() for _ in range(rng.randint(1, 3))]) + 0.01
        yield (nv, kv, [rng.choice(["Billing", "Claims", "Portal"]) for _ in range(known)], rng.randint(1, known))


check_against(route_tickets, _ref_route, list(_route_cases(113)),
              hint="cosine similarity (both sides normalized), the k most similar known tickets, a weighted vote, "
                   "ties by team name; the arrays you are given left as they were.")
### END HIDDEN TESTS

# %% free explore_routing
# explore: route the newest tickets with your route_tickets, against the warm-up's keyword rules on the SAME
# tickets (the baseline the warm-up promised every ML router must beat). How often is the team right?
import re


def keyword_route(summary):
    # the warm-up's route_ticket (its reference answer): first matching row of its table wins, else "Triage"
    rules = [("Claims Intake", ("claim", "fnol", "damage", "loss adjuster")),
             ("Billing", ("invoice", "premium", "payment", "sepa", "refund")),
             ("Customer Portal", ("login", "password", "portal", "2fa"))]
    text = summary.lower()
    return next((team for team, words in rules if any(re.search(r"" + re.escape(w), text) for w in words)),
                "Triage")


routed = route_tickets(vectors[new_idx], vectors[known_idx], [teams[n] for n in known_idx], k=5)
by_rules = [keyword_route(tickets[n].summary) for n in new_idx]
truth = [teams[n] for n in new_idx]
known_to_rules = [n for n, t in enumerate(truth) if t in ("Claims Intake", "Billing", "Customer Portal")]
for name, guesses in (("kNN (yours)", routed), ("keyword rules (warm-up)", by_rules)):
    right = sum(g == t for g, t in zip(guesses, truth))
    right3 = sum(guesses[n] == truth[n] for n in known_to_rules)
    print(f"{name:>24}: {right / len(truth):.0%} of the {len(truth)} newest tickets right; "
          f"{right3 / max(len(known_to_rules), 1):.0%} of the {len(known_to_rules)} for the rules' three teams")
print(f"(always the biggest team: {Counter(teams[n] for n in known_idx).most_common(1)[0][1] / len(known_idx):.0%})")
# The rules know 3 of the 8 teams and send the rest to "Triage": does kNN beat them even on their own three teams?
# That comparison, on your own tickets, is what a router must win before it replaces the rules.

# %% [markdown] ex6_text
# ## 6. Where does routing go wrong? (given; 3 minutes)
#
# Accuracy is one number; the service desk needs to know **which** teams get confused. The cell below is given:
# `routing_errors(actual, predicted)` returns a list of `((actual_team, predicted_team), count)` for the **wrong**
# routes only, most frequent first; equal counts sorted by actual team, then predicted team. Read it, then the
# confusions it finds on the sample.

# %% code routing_errors
def routing_errors(actual, predicted):
    """((actual, predicted), count) for wrong routes, most frequent first."""
    wrong = Counter((a, p) for a, p in zip(actual, predicted) if a != p)
    return sorted(wrong.items(), key=lambda item: (-item[1], item[0]))

# %% free explore_confusions
# explore: the confusions on the sample. Are they the teams whose work overlaps (a claim paid by Billing)?
for (actual, predicted), count in routing_errors([teams[n] for n in new_idx], routed)[:6]:
    print(f"{count:3d} x  {actual:>20} -> routed to {predicted}")

# %% [markdown] ex7_text
# ## 7. An LLM router that asks for tools (12 minutes)
#
# A language model can route tickets too — if your code holds it to the two rules every production assistant
# needs: the model may only **ask** for a tool, which *your* code runs and answers; and its answer is
# **structured**, checked against what is allowed, never trusted. When it cannot give a valid answer in a few
# turns (or the model is down), the ticket goes to a **fallback** — here your kNN router — so nothing is lost.
#
# The model replies with one JSON object per turn (`ROUTER_PROMPT` below tells it so):
# `{"tool": "<name>", "args": {...}}` to ask for a tool, or `{"team": "<a team>", "reason": "<one sentence>"}` to
# answer. A reply with a `"tool"` key is a tool request, whatever else it holds.
#
# Write `llm_route(ticket, model, tools, teams, fallback, max_steps=3)`:
#
# - `model(messages)` takes the conversation — a list of `{"role": …, "content": …}` dicts — and returns the reply
#   text. Begin with `[{"role": "system", "content": ROUTER_PROMPT.format(teams=", ".join(teams))},
#   {"role": "user", "content": ticket}]` and call the model at most `max_steps` times.
# - Read each reply with `first_json(reply)` (given): the first JSON object in it, or `None`. After every reply,
#   append it unchanged as an `"assistant"` message, then answer it with one `"user"` message:
#   - a **tool request** naming a tool in `tools`, with `args` a dict (missing `args`: `{}`): run
#     `tools[name](**args)` and send `f"{name} -> {json.dumps(result)}"`;
#   - an **answer** whose `team` is a string naming one of `teams` — compared without regard to case and
#     surrounding spaces — ends the loop: return `{"team": <the spelling in teams>, "reason": str(reason)[:200]
#     (missing: ""), "source": "model", "tools": [...], "steps": <model calls made>}`;
#   - **anything else** — no JSON, an unknown tool, `args` that are not a dict, a tool that raises (wrong
#     arguments are a `TypeError`), a team that is not in `teams` or not a string, neither key: send a message that
#     starts with `"error: "` and says what was wrong, and go on (it used one of the steps).
# - `"tools"`: the names of the tools whose results went back to the model, in order.
# - After `max_steps` calls without a valid answer, or at once if `model` raises (the gateway is down, a
#   timeout): return `{"team": fallback(ticket), "reason": <what went wrong last, a sentence>, "source":
#   "fallback", "tools": [...], "steps": <model calls made, the failed one included>}`.
# - Do not change `teams` or `tools`.

# %% code router_prompt
import json

ROUTER_PROMPT = (
    "You route service-desk tickets to the team that should handle them. Teams: {teams}.\n"
    "Tools you may ask for, one per reply: similar_tickets(text) -> the teams of the 5 most similar past tickets; "
    "keyword_team(text) -> the team the keyword rules pick.\n"
    'Reply with ONE JSON object and nothing else: {{"tool": "similar_tickets", "args": {{"text": "..."}}}} to ask '
    'for a tool, or {{"team": "<a team from the list>", "reason": "<one sentence>"}} to answer.')


def first_json(text):
    """The first JSON object (a dict) in ``text``, or None: models wrap their JSON in prose and code fences."""
    decoder = json.JSONDecoder()
    for start, char in enumerate(str(text)):
        if char == "{":
            try:
                value, _ = decoder.raw_decode(str(text)[start:])
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None

# %% solution llm_route
def llm_route(ticket, model, tools, teams, fallback, max_steps=3):
    """Route one ticket with a model that may ask for tools; a valid team or the fallback's."""
    ### BEGIN SOLUTION
    messages = [{"role": "system", "content": ROUTER_PROMPT.format(teams=", ".join(teams))},
                {"role": "user", "content": ticket}]
    by_name = {t.strip().lower(): t for t in teams}
    used, steps, problem = [], 0, "the model gave no valid answer"
    while steps < max_steps:
        steps += 1
        try:
            reply = model(messages)
        except Exception as exc:
            problem = f"the model failed: {type(exc).__name__}: {exc}"
            break
        messages.append({"role": "assistant", "content": reply})
        data = first_json(reply)
        if data is None:
            problem = "the reply held no JSON object"
        elif "tool" in data:
            name, args = data["tool"], data.get("args", {})
            if not isinstance(name, str) or name not in tools:
                problem = f"there is no tool {name!r}; the tools are {', '.join(tools)}"
            elif not isinstance(args, dict):
                problem = "args must be a JSON object"
            else:
                try:
                    result = tools[name](**args)
                except Exception as exc:
                    problem = f"{name} failed: {type(exc).__name__}: {exc}"
                else:
                    used.append(name)
                    messages.append({"role": "user", "content": f"{name} -> {json.dumps(result)}"})
                    continue
        else:
            team = data.get("team")
            if isinstance(team, str) and team.strip().lower() in by_name:
                return {"team": by_name[team.strip().lower()], "reason": str(data.get("reason", ""))[:200],
                        "source": "model", "tools": used, "steps": steps}
            problem = f"{team!r} is not one of the teams: {', '.join(teams)}"
        messages.append({"role": "user", "content": f"error: {problem}"})
    return {"team": fallback(ticket), "reason": problem, "source": "fallback", "tools": used, "steps": steps}
    ### END SOLUTION

# %% tests test_llm_route points=3
# Visible tests (3 points). The "models" here are scripts: each reply depends only on the conversation so far.
TEAMS = ["Billing", "Claims Intake", "Customer Portal"]
TOOLS = {"similar_tickets": lambda text: ["Billing", "Billing", "Claims Intake"],
         "keyword_team": lambda text: "Billing" if "invoice" in text.lower() else "Triage"}


def to_triage(ticket):
    return "Triage"


def asks_then_answers(messages):
    # asks for similar tickets first; answers with the majority team once the tool's result is there
    if messages[-1]["content"].startswith("similar_tickets -> "):
        teams_seen = json.loads(messages[-1]["content"].split(" -> ", 1)[1])
        return json.dumps({"team": Counter(teams_seen).most_common(1)[0][0], "reason": "most similar tickets"})
    return 'Let me look. {"tool": "similar_tickets", "args": {"text": "' + messages[1]["content"][:30] + '"}}'


check_equal(llm_route("Invoice sent twice", asks_then_answers, TOOLS, TEAMS, to_triage),
            {"team": "Billing", "reason": "most similar tickets", "source": "model", "tools": ["similar_tickets"],
             "steps": 2}, label="a tool request, its result, then an answer")
check_equal(llm_route("Portal login loops", lambda m: '{"team": " customer PORTAL ", "reason": "login"}', TOOLS, TEAMS,
                      to_triage),
            {"team": "Customer Portal", "reason": "login", "source": "model", "tools": [], "steps": 1},
            label="an answer straight away (team spelled differently)")
_wrong = llm_route("Invoice sent twice", lambda m: '{"team": "Finance", "reason": "money"}', TOOLS, TEAMS, to_triage)
check_equal({k: _wrong[k] for k in ("team", "source", "tools", "steps")},
            {"team": "Triage", "source": "fallback", "tools": [], "steps": 3},
            label="a team that is not in the list, three times: the fallback")
check_that(isinstance(_wrong["reason"], str) and _wrong["reason"], "The fallback's reason is empty.",
           "say what went wrong last, e.g. that 'Finance' is not one of the teams.")
print("Exercise 7: visible tests passed.")
### BEGIN HIDDEN TESTS
from shiplab_checks import case_rng, check_against, judge_side


def _ref_llm_route(ticket, model, tools, teams, fallback, max_steps=3):
    _messages = [{"role": "system", "content": ROUTER_PROMPT.format(teams=", ".join(teams))},
                 {"role": "user", "content": ticket}]
    _names = {t.strip().lower(): t for t in teams}
    _used, _steps, _problem = [], 0, "no valid answer"
    while _steps < max_steps:
        _steps += 1
        try:
            _reply = model(_messages)
        except Exception as _exc:
            _problem = f"model failed: {_exc}"
            break
        _messages.append({"role": "assistant", "content": _reply})
        _data = first_json(_reply)
        if _data is not None and "tool" in _data:
            _name, _args = _data["tool"], _data.get("args", {})
            if isinstance(_name, str) and _name in tools and isinstance(_args, dict):
                try:
                    _result = tools[_name](**_args)
                except Exception as _exc:
                    _problem = f"tool failed: {_exc}"
                else:
                    _used.append(_name)
                    _messages.append({"role": "user", "content": f"{_name} -> {json.dumps(_result)}"})
                    continue
            else:
                _problem = "bad tool request"
        elif _data is not None:
            _team = _data.get("team")
            if isinstance(_team, str) and _team.strip().lower() in _names:
                return {"team": _names[_team.strip().lower()], "reason": str(_data.get("reason", ""))[:200],
                        "source": "model", "tools": _used, "steps": _steps}
            _problem = "not a team"
        else:
            _problem = "no JSON"
        _messages.append({"role": "user", "content": f"error: {_problem}"})
    return {"team": fallback(ticket), "reason": _problem, "source": "fallback", "tools": _used, "steps": _steps}


_TOOLS = {"similar_tickets": lambda text: ["Claims Intake", "Billing", "Claims Intake"],
          "keyword_team": lambda text: "Billing" if "invoice" in text.lower() else "Triage",
          "broken": lambda text: 1 / 0, "open_tickets": lambda: {"Billing": 12, "Claims Intake": 30}}
_TOOLS = {name: judge_side(tool) for name, tool in _TOOLS.items()}  # graded: stand-ins, the code stays here


def _scripted(ticket, replies, teams):
    # the reply for turn n (the assistant messages so far); "?" replies depend on what the last message said,
    # and every reply checks the conversation is as the exercise says — else it answers a team no one expects
    def model(messages):
        _ok = (messages[0] == {"role": "system", "content": ROUTER_PROMPT.format(teams=", ".join(teams))}
               and messages[1] == {"role": "user", "content": ticket}
               and len(messages) % 2 == 0
               and all(m["role"] == ("assistant" if n % 2 == 0 else "user") and isinstance(m["content"], str)
                       for n, m in enumerate(messages[2:])))
        if not _ok:
            return '{"team": "Claims Intake", "reason": "the conversation was not as the exercise says"}'
        turn = (len(messages) - 2) // 2
        reply = replies[min(turn, len(replies) - 1)]
        if reply == "?":
            last = messages[-1]["content"]
            team = ("Customer Portal" if last.startswith("error: ") else "Billing" if " -> " in last else "nobody")
            return json.dumps({"team": team, "reason": "read the last message"})
        if reply == "!":
            raise ConnectionError("gateway unreachable")
        return reply
    return judge_side(model)  # graded: their code gets a stand-in, never the script or its checks


_REPLIES = ['{"tool": "similar_tickets", "args": {"text": "x"}}', '{"tool": "keyword_team", "args": {"text": "INVOICE"}}',
            '{"tool": "keyword_team"}', '{"tool": "open_tickets"}', '{"tool": "open_tickets", "args": {"x": 1}}', '{"tool": "keyword_team", "args": {"txt": "x"}}',
            '{"tool": "keyword_team", "args": "x"}', '{"tool": "broken", "args": {"text": "x"}}',
            '{"tool": "delete_all", "args": {}}', '{"tool": 7}', '{"tool": "similar_tickets", "args": {"text": "x"}, '
            '"team": "Billing"}', '{"team": "Billing", "reason": "invoice"}', '{"team": "billing"}',
            'Sure! ```json\n{"team": "Claims Intake", "reason": "a claim"}\n```', '{"team": "Finance"}',
            '{"team": 3}', '{"team": ["Billing"]}', '{"reason": "no idea"}', "Billing", "", '["Billing"]',
            '{"team": "Customer Portal", "reason": ' + json.dumps("x" * 300) + '}', '{"team": "Billing", "reason": 42}',
            "?", "?", "!"]


def _route_cases(seed, n=150):
    rng = case_rng(seed)
    for _ in range(n):
        teams = rng.choice([["Billing", "Claims Intake", "Customer Portal"], ["Claims Intake", "Billing"],
                            ["Customer Portal", "Billing", "Claims Intake", "Triage"]])
        ticket = rng.choice(["Invoice sent twice", "Claim form loses attachments", "Cannot log in"])
        yield ticket, [rng.choice(_REPLIES) for _ in range(rng.randint(1, 5))], teams, rng.randint(1, 4)


_FALLBACK = judge_side(lambda t: "Fallback:" + t[:8])


def _outcome(func):
    def run(ticket, replies, teams, max_steps):
        got = func(ticket, _scripted(ticket, replies, teams), dict(_TOOLS), list(teams),
                   _FALLBACK, max_steps)
        if isinstance(got, dict) and got.get("source") == "fallback":
            got = {**got, "reason": "(a sentence)" if isinstance(got.get("reason"), str) and got["reason"]
                   else got.get("reason")}
        return got
    run.__name__ = "llm_route"
    return run


check_against(_outcome(llm_route), _outcome(_ref_llm_route), list(_route_cases(307)), mutation=False,
              hint="replies are read with first_json; a 'tool' key makes a tool request; every reply goes back as "
                   "an assistant message followed by one user message (the tool's result as 'name -> json', or "
                   "'error: ...'); an answer needs a team string from teams (case and spaces ignored); at most "
                   "max_steps model calls, the fallback at once when the model raises.")
_teams, _tools = ["Billing", "Claims Intake"], dict(_TOOLS)
llm_route("Invoice", _scripted("Invoice", [_REPLIES[0], "?"], _teams), _tools, _teams, to_triage)
check_equal((_teams, sorted(_tools)), (["Billing", "Claims Intake"], sorted(_TOOLS)), secret=True,
            hint="do not change teams or tools.")
### END HIDDEN TESTS

# %% free explore_llm_router
# explore: the LLM router on the newest tickets, beside your kNN router and the keyword rules on the SAME tickets.
# The tools are real: your route_tickets' neighbours (exercise 5) and the warm-up's rules. The gateway holds the
# model to a JSON schema (response_format: a tool request OR an answer with a team from the list), so even a small
# local model replies in the shape llm_route reads — whether it reasons well is another matter. A small model is
# slow (seconds per turn); on the hub your instructor may have pointed the gateway at a capable, approved model —
# the last line says which one answered.
from shiplab.rag.llm import chat_model_or_none

all_teams = sorted(set(teams))
REPLY_SCHEMA = {"anyOf": [
    {"type": "object", "properties": {"tool": {"enum": ["similar_tickets", "keyword_team"]},
                                      "args": {"type": "object", "properties": {"text": {"type": "string",
                                                                                         "maxLength": 200}},
                                               "required": ["text"], "additionalProperties": False}},
     "required": ["tool", "args"], "additionalProperties": False},
    {"type": "object", "properties": {"team": {"enum": all_teams}, "reason": {"type": "string", "maxLength": 80}},
     "required": ["team", "reason"], "additionalProperties": False}]}
llm = chat_model_or_none(max_tokens=80)
if llm is not None:
    llm = llm.bind(response_format={"type": "json_schema", "json_schema": {"name": "router_reply",
                                                                          "schema": REPLY_SCHEMA}})
known_unit = vectors[known_idx] / np.linalg.norm(vectors[known_idx], axis=1, keepdims=True)


def similar_tickets(text):
    query = np.asarray(embedder.embed_query(str(text)))
    return [teams[known_idx[j]] for j in np.argsort(-(known_unit @ (query / np.linalg.norm(query))))[:5]]


tools = {"similar_tickets": similar_tickets, "keyword_team": keyword_route}
if llm is None:
    print("No chat model here (or the notebook is being graded): the comparison is skipped.")
else:
    sample = new_idx[:5]  # a few: each ticket costs up to three model calls
    results, answered_by, first_reply = [], set(), []

    def ask(messages):
        reply = llm.invoke([(m["role"], m["content"]) for m in messages])
        answered_by.add(reply.response_metadata.get("model_name", "?"))
        if not first_reply:
            first_reply.append(reply.content)
            print(f"  the model's first reply: {reply.content[:120]}")
        return reply.content

    for n, i in enumerate(sample, 1):
        results.append(llm_route(ticket_text(tickets[i])[:400], ask, tools, all_teams,
                                 fallback=lambda t, i=i: routed[new_idx.index(i)]))
        print(f"  {n}/{len(sample)} {keys[i]}: {results[-1]['team']} ({results[-1]['source']}, "
              f"{results[-1]['steps']} calls, tools {results[-1]['tools']})")
    truth_sample = [teams[i] for i in sample]
    for name, guesses in (("LLM + tools", [r["team"] for r in results]),
                          ("kNN (yours)", [routed[new_idx.index(i)] for i in sample]),
                          ("keyword rules", [keyword_route(tickets[i].summary) for i in sample])):
        print(f"{name:>14}: {sum(g == t for g, t in zip(guesses, truth_sample))}/{len(sample)} right")
    print(f"answered by {', '.join(sorted(answered_by)) or 'no model'}; "
          f"{sum(r['source'] == 'fallback' for r in results)} of {len(sample)} fell back to kNN")
# Three routers on the same tickets: which one would you ship, and what would the LLM's extra calls cost per ticket?

# %% [markdown] my_case_text
# ## 8. Apply to my case: duplicates in your own backlog (required, 15 minutes)
#
# Everything above ran on Nordlicht's tickets, which come with an answer key. Your backlog has none, so you make
# one for the pairs that matter: the ones the assistant would suggest. The cell after this text (given) loads your
# export from `~/backlog/` as lab 1 does (restricted items stay out; at most 400 tickets), embeds it, runs **your**
# `suggest_duplicates` (exercise 3) and prints 12 of the pairs it suggests, from the most similar down, each with
# both tickets, then a `MY_LABELS` dict to copy. **No export in `~/backlog/`?** Then the 300 sample tickets stand in:
# the cell says so, and your record says `"backlog": "sample"` (it still counts, but the number is Nordlicht's, not
# your team's).
#
# In the solution cell:
#
# 1. paste the printed `MY_LABELS` and judge **at least 10 pairs by hand**: read both tickets and replace `None` with
#    `True` (the same problem: one of the two should have been closed as a duplicate) or `False` (about 8 minutes);
# 2. choose `MY_THRESHOLD`, the similarity from which a bot would flag a pair on its own;
# 3. compute `precision`: of your judged pairs at or above `MY_THRESHOLD`, the share you judged duplicates
#    (`judged_pairs(MY_LABELS)`, given, returns `(similarity, duplicate)` for every pair you judged) — exercise 4
#    on your own tickets;
# 4. run the cell, read the precision, then write `MY_VERDICT`, one sentence: is duplicate-flagging worth it for your
#    team (flag on its own, only suggest the top 3, or neither; at which threshold; who checks)? Run the cell again.
#
# ```python
# MY_LABELS = {("ABC-12", "ABC-40"): None, ...}   # as the cell above printed it; each None -> True or False
# MY_THRESHOLD = 0.8
# MY_VERDICT = "<one sentence: is duplicate-flagging worth it for your team, and how would you run it?>"
# flagged = [duplicate for similarity, duplicate in judged_pairs(MY_LABELS) if similarity >= MY_THRESHOLD]
# precision = ...   # the share of True in flagged; None when flagged is empty (then lower the threshold)
# print(f"precision at {MY_THRESHOLD}: {precision} ({len(flagged)} of your judged pairs flagged)")
# rows = my_case_rows(MY_LABELS, MY_THRESHOLD, precision, MY_VERDICT)
# ```
#
# `my_case_rows` (given) keeps the number of tickets, each judged pair (the two keys, their similarity, your label;
# never the texts), the threshold, the precision and your sentence; the cell's last line records them in
# `my-case.json` next to this notebook (*Submit* hands it in) and in `~/shiplab-case/lab3-triage.json` for lab 6's
# ship plan.
#
# **What the check tests (completion, not quality; 1 point, shown to your instructor as "my case: done"):** at least
# 10 different suggested pairs of the backlog above judged `True` or `False`, a precision at your threshold (at least
# one judged pair at or above it), and a sentence of your own, not the template's (the hidden part checks that the
# precision is the share of duplicates among your judged pairs at or above the threshold). A low precision is your
# finding, not a failure: it is the number to write into your notes for the ship plan.

# %% code my_case_given
# Given for part 8: your backlog embedded, and 12 of the pairs your suggest_duplicates puts first.
try:
    mine = find_user_backlog()
except ImportProblem as problem:
    print(f"Your export in ~/backlog/ could not be imported:\n{problem}")
    mine = None
if mine:
    my_pool = [i for i in mine if i.classification != "restricted"][:400]  # personal data stays out; 400 stay quick
    my_backlog = "yours"
    my_sims = cosine_similarities(np.array(embedder.embed_documents([ticket_text(i) for i in my_pool])))
    print(f"YOUR backlog: {len(my_pool)} tickets embedded (of {len(mine)}; restricted ones left out).")
else:
    my_pool, my_backlog, my_sims = tickets, "sample", cosine_similarities(vectors)
    print(f"No export in ~/backlog/: the {len(my_pool)} sample tickets stand in (your record says 'sample').")
my_index = {item.key: n for n, item in enumerate(my_pool)}
try:
    my_suggested = suggest_duplicates(my_sims, [i.key for i in my_pool], k=3)
except Exception as problem:  # noqa: BLE001 -- their code: say what to do
    my_suggested = {}
    print(f"Finish exercise 3 first: suggest_duplicates failed ({type(problem).__name__}: {problem}).")


def my_similarity(a, b):
    return float(my_sims[my_index[a], my_index[b]])


my_ranked = sorted({tuple(sorted((key, other))) for key, others in my_suggested.items() for other in others
                    if key in my_index and other in my_index and other != key},
                   key=lambda pair: (-my_similarity(*pair), pair))
my_top = my_ranked[:max(len(my_ranked) // 2, 12)]
my_shown = my_top[:6] + my_top[6::max(1, (len(my_top) - 6) // 6)][:6]  # the most similar, then spread down
by_my_key = {i.key: i for i in my_pool}
for n, (a, b) in enumerate(my_shown, 1):
    print(f"\n{n:2d}. similarity {my_similarity(a, b):.2f}")
    for key in (a, b):
        item = by_my_key[key]
        print(f"    {key}: {item.summary[:90]}\n        {' '.join(item.description.split())[:110]}")
if my_shown:
    print("\nMY_LABELS = {  # copy into the cell below; replace each None with True (a duplicate) or False")
    for n, (a, b) in enumerate(my_shown, 1):
        print(f"    ({a!r}, {b!r}): None,  # {n}. {my_similarity(a, b):.2f}")
    print("}")
if 0 < len(my_shown) < 10:
    print(f"Only {len(my_shown)} pairs: your export is small. Add tickets to it, or judge the sample's "
          "(an empty ~/backlog/).")


def _my_judged(labels):
    # (a, b, similarity, duplicate) for each pair of the backlog above that labels marks True or False, once
    out, seen = [], set()
    for pair, duplicate in dict(labels).items():
        if not isinstance(pair, (tuple, list)) or len(pair) != 2 or not isinstance(duplicate, bool):
            continue
        a, b = sorted(str(k).strip() for k in pair)
        if a != b and a in my_index and b in my_index and (a, b) not in seen:
            seen.add((a, b))
            out.append((a, b, my_similarity(a, b), duplicate))
    return out


def judged_pairs(labels):
    """(similarity, duplicate) for every pair of the backlog above that labels marks True or False."""
    return [(similarity, duplicate) for _, _, similarity, duplicate in _my_judged(labels)]


def my_case_rows(labels, threshold, precision, verdict):
    """Part 8's record: one row, or none when labels judges no pair of the backlog above."""
    judged = _my_judged(labels)
    if not judged:
        print("No pair of the backlog above is judged True or False in MY_LABELS yet: nothing to record.")
        return []
    threshold = float(threshold)
    pairs = [{"pair": [a, b], "similarity": round(similarity, 4), "duplicate": duplicate,
              "flagged": similarity >= threshold} for a, b, similarity, duplicate in judged]
    return [{"backlog": my_backlog, "tickets": len(my_pool), "threshold": threshold, "pairs_judged": len(pairs),
             "flagged": sum(p["flagged"] for p in pairs), "precision": precision,
             "verdict": " ".join(str(verdict).split()), "pairs": pairs}]

# %% solution my_case_work
from shiplab.course.mycase import record_part

### BEGIN SOLUTION
MY_LABELS = {  # the tests' made-up case (a delivery service's backlog): yours come from the cell above
    ("DLV-101", "DLV-188"): True, ("DLV-117", "DLV-240"): True, ("DLV-122", "DLV-301"): True,
    ("DLV-130", "DLV-131"): False, ("DLV-145", "DLV-290"): True, ("DLV-150", "DLV-212"): False,
    ("DLV-160", "DLV-161"): True, ("DLV-171", "DLV-333"): False, ("DLV-180", "DLV-222"): False,
    ("DLV-199", "DLV-310"): False,
}
MY_THRESHOLD = 0.8
MY_VERDICT = ("Only suggest the top 3 in the triage view: at 0.8 two of three flags are right, too few for a bot "
              "that comments on its own.")
flagged = [duplicate for similarity, duplicate in judged_pairs(MY_LABELS) if similarity >= MY_THRESHOLD]
precision = sum(flagged) / len(flagged) if flagged else None
print(f"precision at {MY_THRESHOLD}: {precision} ({len(flagged)} of your judged pairs flagged)")
rows = my_case_rows(MY_LABELS, MY_THRESHOLD, precision, MY_VERDICT)
### END SOLUTION
MY_CASE_ROWS = record_part("lab3-triage", rows)

# %% tests my_case points=1
# The completion check: run me. "my case not done: ..." says what is still missing.
from shiplab.course.mycase import check_part

print(check_part("lab3-triage", MY_CASE_ROWS))
### BEGIN HIDDEN TESTS
from shiplab_checks import check_that

_rows = list(MY_CASE_ROWS)
_flags = [[p.get("duplicate") for p in r.get("pairs") or [] if p.get("flagged")] for r in _rows]
check_that(any(f and isinstance(r.get("precision"), (int, float)) and abs(r["precision"] - sum(f) / len(f)) < 0.01
               for r, f in zip(_rows, _flags)),
           "my case not done: the precision recorded is not the share of duplicates among your judged pairs at or "
           "above your threshold.",
           hint="flagged = your labels of the judged pairs with similarity >= MY_THRESHOLD; precision = "
                "sum(flagged) / len(flagged).")
### END HIDDEN TESTS

# %% [markdown] wrap_up
# ## Done?
#
# Press *Validate*, then submit in the *Assignments* tab.
#
# **Take away:** for your ship plan, the honest numbers are recall@3 of the suggestions and the precision of
# flagging on *your* tickets (part 8, kept in `~/shiplab-case/lab3-triage.json`) against the precision your team
# would need before a bot may comment on its own. Lab 4 puts the same embeddings into chromadb and adds keyword search,
# which catches what embeddings miss (exact error codes, ticket keys).
