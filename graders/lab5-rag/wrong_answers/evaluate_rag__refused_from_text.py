# wrong because: decides 'refused' from is_refusal(answer) instead of the result's 'refused' flag
# counterexample: a result {'answer': 'Sorry, no idea.', 'refused': True, ...} counts as answered (refusal_recall too low)
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    def refused(r):
        return is_refusal(r["answer"])
    results = [(q, answer_fn(q["question"])) for q in gold]
    unans = [r for q, r in results if not q["answerable"]]
    ans_ = [(q, r) for q, r in results if q["answerable"]]
    answered = [r for q, r in results if not refused(r)]
    answered_ans = [(q, r) for q, r in ans_ if not refused(r)]
    share = lambda hits, n: hits / n if n else None
    return {
        "questions": len(gold),
        "refusal_recall": share(sum(refused(r) for r in unans), len(unans)),
        "false_refusal_rate": share(sum(refused(r) for q, r in ans_), len(ans_)),
        "groundedness": share(sum(check_answer(r["answer"], r["chunks"]).grounded for r in answered), len(answered)),
        "citation_accuracy": share(sum(any(c in {s["doc_id"] for s in q["sources"]} for c in r["citations"])
                                       for q, r in answered_ans), len(answered_ans)),
    }
