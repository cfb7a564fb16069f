def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    counts = {"ALL": {"tp": 0, "fp": 0, "fn": 0}}

    def bump(kind, what):
        for key in (kind, "ALL"):
            counts.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})[what] += 1

    for record in records:
        truth = {(e["start"], e["end"], e["type"]) for e in record["entities"]}
        found = {(e.start, e.end, e.type) for e in detect(record["text"])}
        for start, end, kind in found:
            bump(kind, "tp" if (start, end, kind) in truth else "fp")
        for start, end, kind in truth - found:
            bump(kind, "fn")
    for c in counts.values():
        c["recall"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["precision"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
