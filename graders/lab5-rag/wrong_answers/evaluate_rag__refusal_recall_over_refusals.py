# wrong because: divides the refused unanswerable questions by ALL refused questions (a precision), not by the
#   number of unanswerable questions as "refusal_recall" demands.
# counterexample: gold = 1 answerable (refused) + 2 unanswerable (both refused) -> refusal_recall must be 1.0 (2 of 2
#   unanswerable refused); this gives 2/3.
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    results = [(q, answer_fn(q["question"])) for q in gold]

    def share(num, den):
        return num / den if den else None

    refused = [(q, r) for q, r in results if r["refused"]]
    answerable = [(q, r) for q, r in results if q["answerable"]]
    answered = [(q, r) for q, r in results if not r["refused"]]
    answered_answerable = [(q, r) for q, r in answered if q["answerable"]]
    return {
        "questions": len(results),
        "refusal_recall": share(sum(not q["answerable"] for q, _ in refused), len(refused)),
        "false_refusal_rate": share(sum(r["refused"] for _, r in answerable), len(answerable)),
        "groundedness": share(sum(check_answer(r["answer"], r["chunks"]).grounded for _, r in answered),
                              len(answered)),
        "citation_accuracy": share(sum(any(s["doc_id"] in r["citations"] for s in q["sources"])
                                       for q, r in answered_answerable), len(answered_answerable)),
    }
