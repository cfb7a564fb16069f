# wrong because: a row is made for every type pii.detect knows (pii.TYPES), planted or not; the task returns rows
#   only for the types that are planted or found (plus ALL).
# counterexample: the toy records with the visible test's detector -> keys ALL, PERSON, PHONE; this also returns
#   CLAIM_NUMBER, DATE_OF_BIRTH, EMAIL, IBAN, POLICY_NUMBER (all zeros).
# check: sorted(f(toy(), det({"Call Anna on 030/1234567": [(5, 9, "PERSON"), (13, 20, "PHONE")], "Nothing personal": [(0, 7, "PERSON")]})))
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    counts = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in pii.TYPES}
    for record in records:
        planted = [(e["start"], e["end"], e["type"]) for e in record["entities"]]
        for found in detect(record["text"]):
            key = (found.start, found.end, found.type)
            row = counts.setdefault(found.type, {"tp": 0, "fp": 0, "fn": 0})
            if key in planted:
                planted.remove(key)
                row["tp"] += 1
            else:
                row["fp"] += 1
        for _, _, kind in planted:
            counts.setdefault(kind, {"tp": 0, "fp": 0, "fn": 0})["fn"] += 1
    counts["ALL"] = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
