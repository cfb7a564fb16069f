# wrong because: only the planted types get a row; finds of a type that was never planted are dropped (no row, and
#   not counted in ALL). The task wants a row for each type that is planted OR found, and ALL pools every find.
# counterexample: the toy records with a detector finding (0, 7, "EMAIL") in "Nothing personal" -> an "EMAIL" row
#   with fp 1 and ALL fp 1 (precision 0.0); this has no EMAIL row and ALL precision 1.0.
# check: (sorted(f(toy(), det({"Nothing personal": [(0, 7, "EMAIL")]}))), f(toy(), det({"Nothing personal": [(0, 7, "EMAIL")]}))["ALL"]["fp"])
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    types = {e["type"] for record in records for e in record["entities"]}
    counts = {kind: {"tp": 0, "fp": 0, "fn": 0} for kind in types}
    for record in records:
        planted = [(e["start"], e["end"], e["type"]) for e in record["entities"]]
        for found in detect(record["text"]):
            key = (found.start, found.end, found.type)
            if found.type not in counts:
                continue
            if key in planted:
                planted.remove(key)
                counts[found.type]["tp"] += 1
            else:
                counts[found.type]["fp"] += 1
        for _, _, kind in planted:
            counts[kind]["fn"] += 1
    counts["ALL"] = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
