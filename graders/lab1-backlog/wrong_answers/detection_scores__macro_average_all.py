def detection_scores(records, detect):
    """Per-type precision/recall, and ALL as the average over types."""
    counts = {}
    for record in records:
        truth = {(e["start"], e["end"], e["type"]) for e in record["entities"]}
        found = {(e.start, e.end, e.type) for e in detect(record["text"])}
        for s, e, k in found:
            counts.setdefault(k, {"tp": 0, "fp": 0, "fn": 0})["tp" if (s, e, k) in truth else "fp"] += 1
        for s, e, k in truth - found:
            counts.setdefault(k, {"tp": 0, "fp": 0, "fn": 0})["fn"] += 1
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    n = len(counts) or 1
    counts["ALL"] = {key: sum(c[key] for c in counts.values()) for key in ("tp", "fp", "fn")}
    counts["ALL"]["precision"] = sum(c["precision"] for k, c in counts.items() if k != "ALL") / n if n else 1.0
    counts["ALL"]["recall"] = sum(c["recall"] for k, c in counts.items() if k != "ALL") / n if n else 1.0
    if len(counts) == 1:
        counts["ALL"]["precision"] = counts["ALL"]["recall"] = 1.0
    return counts
