# wrong because: precision/recall are 0.0 when their denominator is 0; the task says 1.0 (nothing claimed is nothing
#   wrong; nothing to find is nothing missed).
# counterexample: the toy records with a detector that finds nothing -> PERSON precision 1.0 (tp + fp = 0), ALL
#   precision 1.0; this returns 0.0.
# check: pick(f(toy(), det({}))["PERSON"], "precision", "recall")
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    counts = {}
    for record in records:
        planted = [(e["start"], e["end"], e["type"]) for e in record["entities"]]
        unmatched = list(planted)
        for found in detect(record["text"]):
            key = (found.start, found.end, found.type)
            c = counts.setdefault(found.type, {"tp": 0, "fp": 0, "fn": 0})
            if key in unmatched:
                unmatched.remove(key)
                c["tp"] += 1
            else:
                c["fp"] += 1
        for _, _, kind in unmatched:
            counts.setdefault(kind, {"tp": 0, "fp": 0, "fn": 0})["fn"] += 1
    counts["ALL"] = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    return counts
