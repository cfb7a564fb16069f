# wrong because: types are upper-cased before matching (and counting), so a find of type "person" counts as a PERSON
#   true positive; the task demands exactly the same type.
# counterexample: toy record 1 with a detector finding (5, 9, "person") -> a "person" row fp 1 and PERSON fn 1;
#   this gives PERSON tp 1 and no "person" row.
# check: {k: pick(v, "tp", "fp", "fn") for k, v in f(toy()[:1], det({"Call Anna on 030/1234567": [(5, 9, "person")]})).items()}
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    counts = {}

    def row(kind):
        return counts.setdefault(kind, {"tp": 0, "fp": 0, "fn": 0})

    for record in records:
        planted = [(e["start"], e["end"], e["type"].upper()) for e in record["entities"]]
        for found in detect(record["text"]):
            key = (found.start, found.end, found.type.upper())
            if key in planted:
                planted.remove(key)
                row(key[2])["tp"] += 1
            else:
                row(key[2])["fp"] += 1
        for _, _, kind in planted:
            row(kind)["fn"] += 1
    counts["ALL"] = {k: sum(c[k] for c in counts.values()) for k in ("tp", "fp", "fn")}
    for c in counts.values():
        c["precision"] = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
        c["recall"] = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return counts
