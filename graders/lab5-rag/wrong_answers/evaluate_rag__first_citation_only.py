# wrong because: citation accuracy looks only at the first citation
# counterexample: answer citing ['x', 'a'] for gold source a counts as wrong (0.0), should be 1.0
def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    share = lambda hits, n: hits / n if n else None
    results = [(q, answer_fn(q["question"])) for q in gold]
    unans = [r for q, r in results if not q["answerable"]]
    ans_ = [(q, r) for q, r in results if q["answerable"]]
    answered = [r for q, r in results if not r["refused"]]
    answered_ans = [(q, r) for q, r in ans_ if not r["refused"]]
    def cites_gold(q, r):
        gold_ids = {s["doc_id"] for s in q.get("sources", [])}
        return bool(r["citations"]) and r["citations"][0] in gold_ids
    return {
        "questions": len(gold),
        "refusal_recall": share(sum(r["refused"] for r in unans), len(unans)),
        "false_refusal_rate": share(sum(r["refused"] for q, r in ans_), len(ans_)),
        "groundedness": share(sum(check_answer(r["answer"], r["chunks"]).grounded for r in answered), len(answered)),
        "citation_accuracy": share(sum(cites_gold(q, r) for q, r in answered_ans), len(answered_ans)),
    }
