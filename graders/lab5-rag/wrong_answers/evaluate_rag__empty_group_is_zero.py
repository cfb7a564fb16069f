# wrong because: a share whose group is empty becomes 0.0; the task says it is None ("nothing was measured").
# counterexample: a gold set with only answerable questions -> refusal_recall must be None; this gives 0.0.
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    def share(flags):
        flags = list(flags)
        return sum(flags) / max(len(flags), 1)

    results = [(q, answer_fn(q["question"])) for q in gold]
    unanswerable = [r for q, r in results if not q["answerable"]]
    answerable = [(q, r) for q, r in results if q["answerable"]]
    answered = [r for _, r in results if not r["refused"]]
    return {
        "questions": len(gold),
        "refusal_recall": share(r["refused"] for r in unanswerable),
        "false_refusal_rate": share(r["refused"] for _, r in answerable),
        "groundedness": share(check_answer(r["answer"], r["chunks"]).grounded for r in answered),
        "citation_accuracy": share(any(s["doc_id"] in r["citations"] for s in q["sources"])
                                   for q, r in answerable if not r["refused"]),
    }
