# wrong because: too_strict counts `not j and h`: a None verdict (no verdict) is read as 'called wrong'
# counterexample: judge_agreement([None], [True]) gives judge_too_strict 1, should be 0 (no_verdict 1)
def judge_agreement(judge_labels, human_labels):
    """How often the judge agrees with the hand labels, and how it errs."""
    if len(judge_labels) != len(human_labels):
        raise ValueError("judge and human labels differ in length")
    if not human_labels:
        raise ValueError("no labels")
    if any(h is None for h in human_labels):
        raise ValueError("a human label is None: label every answer first")
    n = len(human_labels)
    pairs = list(zip(judge_labels, human_labels))
    return {"labels": n, "agreement": sum(j == h for j, h in pairs) / n,
            "judge_too_lenient": sum(bool(j) and not h for j, h in pairs),
            "judge_too_strict": sum(not j and h for j, h in pairs),
            "no_verdict": sum(j is None for j, _ in pairs)}
