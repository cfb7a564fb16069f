def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (overlapping spans match)."""
    counts = {}

    def bump(kind, what):
        for key in (kind, "ALL"):
            counts.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})[what] += 1

    for record in records:
        truth = [(e["start"], e["end"], e["type"]) for e in record["entities"]]
        found = [(e.start, e.end, e.type) for e in detect(record["text"])]
        hit = set()
        for s, e, k in found:
            match = next((t for t in truth if t[2] == k and s < t[1] and t[0] < e), None)
            if match:
                hit.add(match)
                bump(k, "tp")
            else:
                bump(k, "fp")
        for t in truth:
            if t not in hit:
                bump(t[2], "fn")
    counts.setdefault("ALL", {"tp": 0, "fp": 0, "fn": 0})
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
