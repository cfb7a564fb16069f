# wrong because: counts a citation as accurate only when ALL of the question's gold source doc_ids are cited; the
#   task says "at least one of the question's gold source doc_ids".
# counterexample: one answerable question with sources [a, b], answered with citations ["a"] -> citation_accuracy
#   must be 1.0; this gives 0.0.
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    rows = [(item, answer_fn(item["question"])) for item in gold]
    rate = lambda flags: sum(flags) / len(flags) if flags else None
    return {
        "questions": len(rows),
        "refusal_recall": rate([r["refused"] for q, r in rows if not q["answerable"]]),
        "false_refusal_rate": rate([r["refused"] for q, r in rows if q["answerable"]]),
        "groundedness": rate([check_answer(r["answer"], r["chunks"]).grounded for q, r in rows if not r["refused"]]),
        "citation_accuracy": rate([all(s["doc_id"] in r["citations"] for s in q["sources"])
                                   for q, r in rows if q["answerable"] and not r["refused"]]),
    }
