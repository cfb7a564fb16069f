# wrong because: divides the grounded answers by the number of ANSWERABLE questions; the task's groundedness is
#   "among the questions that were answered (not refused)".
# counterexample: gold = 3 answerable (q1 answered and grounded, q2 and q3 refused) + 1 unanswerable (refused) ->
#   groundedness must be 1.0 (1 of 1 answered); this gives 1/3.
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    n = 0
    unans = unans_refused = 0
    ans = ans_refused = 0
    grounded = 0
    cite_total = cite_ok = 0
    for q in gold:
        r = answer_fn(q["question"])
        n += 1
        if q["answerable"]:
            ans += 1
            if r["refused"]:
                ans_refused += 1
            else:
                cite_total += 1
                cite_ok += any(s["doc_id"] in r["citations"] for s in q["sources"])
        else:
            unans += 1
            unans_refused += bool(r["refused"])
        if not r["refused"] and check_answer(r["answer"], r["chunks"]).grounded:
            grounded += 1
    return {
        "questions": n,
        "refusal_recall": unans_refused / unans if unans else None,
        "false_refusal_rate": ans_refused / ans if ans else None,
        "groundedness": grounded / ans if ans else None,
        "citation_accuracy": cite_ok / cite_total if cite_total else None,
    }
