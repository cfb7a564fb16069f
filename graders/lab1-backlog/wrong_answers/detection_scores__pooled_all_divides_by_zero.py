# wrong because: the 1.0-on-empty-denominator rule is applied per type but not to the pooled "ALL" row, so a
#   detector that finds nothing (or no records at all) raises ZeroDivisionError instead of ALL precision 1.0.
# counterexample: the toy records with a detector that finds nothing -> ALL {"tp": 0, "fp": 0, "fn": 2,
#   "precision": 1.0, "recall": 0.0}; this raises ZeroDivisionError.
# check: f(toy(), det({}))["ALL"]
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    scores = {}
    for record in records:
        planted = [(e["start"], e["end"], e["type"]) for e in record["entities"]]
        for found in detect(record["text"]):
            key = (found.start, found.end, found.type)
            row = scores.setdefault(found.type, {"tp": 0, "fp": 0, "fn": 0})
            if key in planted:
                planted.remove(key)
                row["tp"] += 1
            else:
                row["fp"] += 1
        for _, _, kind in planted:
            scores.setdefault(kind, {"tp": 0, "fp": 0, "fn": 0})["fn"] += 1
    for row in scores.values():
        row["precision"] = row["tp"] / (row["tp"] + row["fp"]) if row["tp"] + row["fp"] else 1.0
        row["recall"] = row["tp"] / (row["tp"] + row["fn"]) if row["tp"] + row["fn"] else 1.0
    tp = sum(r["tp"] for r in scores.values())
    fp = sum(r["fp"] for r in scores.values())
    fn = sum(r["fn"] for r in scores.values())
    scores["ALL"] = {"tp": tp, "fp": fp, "fn": fn, "precision": tp / (tp + fp), "recall": tp / (tp + fn)}
    return scores
