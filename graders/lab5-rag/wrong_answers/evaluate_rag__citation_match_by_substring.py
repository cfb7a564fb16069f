# wrong because: checks a gold doc_id against the citations joined into one string (substring match), so a gold
#   "adr-01" is "found" in a citation "adr-010"; the task asks whether the citations include the gold doc_id.
# counterexample: one answerable question with sources [{"doc_id": "adr-01"}], answered with citations ["adr-010"]
#   -> citation_accuracy must be 0.0; this gives 1.0.
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    results = [(q, answer_fn(q["question"])) for q in gold]

    def share(flags):
        return sum(flags) / len(flags) if flags else None

    cited_right = []
    for q, r in results:
        if q["answerable"] and not r["refused"]:
            cited = " ".join(r["citations"])
            cited_right.append(any(s["doc_id"] in cited for s in q["sources"]))
    return {
        "questions": len(results),
        "refusal_recall": share([r["refused"] for q, r in results if not q["answerable"]]),
        "false_refusal_rate": share([r["refused"] for q, r in results if q["answerable"]]),
        "groundedness": share([check_answer(r["answer"], r["chunks"]).grounded
                               for q, r in results if not r["refused"]]),
        "citation_accuracy": share(cited_right),
    }
