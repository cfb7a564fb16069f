# wrong because: length check only when the judge has fewer labels; zip silently truncates the other way
# counterexample: judge_agreement([True, False], [True]) returns labels 1, should be ValueError
def judge_agreement(judge_labels, human_labels):
    """How often the judge agrees with the hand labels, and how it errs."""
    if len(judge_labels) < len(human_labels):
        raise ValueError("judge and human labels differ in length")
    if not human_labels:
        raise ValueError("no labels")
    if any(h is None for h in human_labels):
        raise ValueError("a human label is None: label every answer first")
    judge_labels = judge_labels[:len(human_labels)]
    n = len(human_labels)
    pairs = list(zip(judge_labels, human_labels))
    return {"labels": n, "agreement": sum(j is not None and j == h for j, h in pairs) / n,
            "judge_too_lenient": sum(j is True and h is False for j, h in pairs),
            "judge_too_strict": sum(j is False and h is True for j, h in pairs),
            "no_verdict": sum(j is None for j, _ in pairs)}
