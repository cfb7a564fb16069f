# wrong because: false_refusal_rate = refused answerable questions / ALL refusals ("share of refusals that were
#   wrong"); the task wants the share of ANSWERABLE questions that were refused.
# counterexample: gold = 3 answerable (one refused) + 1 unanswerable (refused) -> false_refusal_rate must be 1/3;
#   this gives 1/2.
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    results = [(q, answer_fn(q["question"])) for q in gold]
    share = lambda hits, total: hits / total if total else None
    unanswerable = [r for q, r in results if not q["answerable"]]
    refused = [(q, r) for q, r in results if r["refused"]]
    answered = [(q, r) for q, r in results if not r["refused"]]
    answered_answerable = [(q, r) for q, r in answered if q["answerable"]]
    return {
        "questions": len(results),
        "refusal_recall": share(sum(r["refused"] for r in unanswerable), len(unanswerable)),
        "false_refusal_rate": share(sum(q["answerable"] for q, _ in refused), len(refused)),
        "groundedness": share(sum(check_answer(r["answer"], r["chunks"]).grounded for _, r in answered), len(answered)),
        "citation_accuracy": share(sum(any(s["doc_id"] in r["citations"] for s in q["sources"])
                                       for q, r in answered_answerable), len(answered_answerable)),
    }
