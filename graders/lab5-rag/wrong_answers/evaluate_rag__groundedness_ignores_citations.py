# wrong because: counts an answer as grounded when no sentence is unsupported (check_answer(...).unsupported is
#   empty), ignoring invalid citations; the task uses check_answer(result["answer"], result["chunks"]).grounded,
#   which is False when the answer cites an id that is not among the chunks.
# counterexample: one answered question, answer "The standard excess per claim is EUR 225 [zzz]." with chunks
#   [doc_a] -> groundedness must be 0.0 (citation zzz unknown, so not grounded); this gives 1.0.
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    results = [(q, answer_fn(q["question"])) for q in gold]

    def share(flags):
        flags = list(flags)
        return sum(flags) / len(flags) if flags else None

    return {
        "questions": len(results),
        "refusal_recall": share(r["refused"] for q, r in results if not q["answerable"]),
        "false_refusal_rate": share(r["refused"] for q, r in results if q["answerable"]),
        "groundedness": share(not check_answer(r["answer"], r["chunks"]).unsupported
                              for q, r in results if not r["refused"]),
        "citation_accuracy": share(any(s["doc_id"] in r["citations"] for s in q["sources"])
                                   for q, r in results if q["answerable"] and not r["refused"]),
    }
