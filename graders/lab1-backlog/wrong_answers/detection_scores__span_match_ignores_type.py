# wrong because: a find matches a planted entity by span alone; the task demands the same start, end AND type.
# counterexample: toy record 1 with a detector finding (5, 9, "EMAIL") where PERSON (5, 9) is planted -> EMAIL fp 1
#   and PERSON fn 1; this counts EMAIL tp 1 and PERSON fn 0.
# check: {k: pick(v, "tp", "fp", "fn") for k, v in f(toy()[:1], det({"Call Anna on 030/1234567": [(5, 9, "EMAIL")]})).items()}
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    counts = {}

    def row(kind):
        return counts.setdefault(kind, {"tp": 0, "fp": 0, "fn": 0})

    for record in records:
        planted = {(e["start"], e["end"]): e["type"] for e in record["entities"]}
        hit = set()
        for found in detect(record["text"]):
            span = (found.start, found.end)
            if span in planted and span not in hit:
                hit.add(span)
                row(found.type)["tp"] += 1
            else:
                row(found.type)["fp"] += 1
        for span, kind in planted.items():
            if span not in hit:
                row(kind)["fn"] += 1
    total = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    counts["ALL"] = total
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
