def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    counts = {}

    def bump(kind, what):
        for key in (kind, "ALL"):
            counts.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})[what] += 1

    for record in records:
        truth = {(e["start"], e["end"]): e["type"] for e in record["entities"]}
        found = {(e.start, e.end): e.type for e in detect(record["text"])}
        for span, kind in found.items():
            bump(kind, "tp" if span in truth else "fp")
        for span, kind in truth.items():
            if span not in found:
                bump(kind, "fn")
    counts.setdefault("ALL", {"tp": 0, "fp": 0, "fn": 0})
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
