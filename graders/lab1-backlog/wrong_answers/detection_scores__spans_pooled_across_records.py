# wrong because: planted and found spans of ALL records are pooled into two sets before matching, so a find in one
#   text "matches" an entity planted at the same offsets in another text; a find is a true positive only against
#   the planted entities of its own text.
# counterexample: records [{"text": "Anna is here", entities: [PERSON 0-4]}, {"text": "Omar is here", entities: []}]
#   and a detector finding (0, 4, PERSON) only in "Omar is here" -> PERSON tp 0, fp 1, fn 1; this gives tp 1.
# check: pick(f([{"text": "Anna is here", "entities": [{"start": 0, "end": 4, "type": "PERSON", "value": "Anna"}]}, {"text": "Omar is here", "entities": []}], det({"Omar is here": [(0, 4, "PERSON")]}))["PERSON"], "tp", "fp", "fn")
def detection_scores(records, detect):
    """Per-type and pooled precision/recall of a detector against planted entities (exact span and type)."""
    planted, found = set(), []
    for record in records:
        planted |= {(e["start"], e["end"], e["type"]) for e in record["entities"]}
        found += [(f.start, f.end, f.type) for f in detect(record["text"])]
    kinds = {k for _, _, k in planted} | {k for _, _, k in found}

    def score(tp, fp, fn):
        return {"tp": tp, "fp": fp, "fn": fn,
                "precision": tp / (tp + fp) if tp + fp else 1.0,
                "recall": tp / (tp + fn) if tp + fn else 1.0}

    out = {}
    for kind in kinds:
        p = {x for x in planted if x[2] == kind}
        f = [x for x in found if x[2] == kind]
        tp = sum(1 for x in f if x in p)
        out[kind] = score(tp, len(f) - tp, len(p) - tp)
    out["ALL"] = score(*(sum(s[k] for s in out.values()) for k in ("tp", "fp", "fn")))
    return out
