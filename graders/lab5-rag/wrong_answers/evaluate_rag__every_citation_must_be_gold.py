# wrong because: citation accuracy requires every citation to be a gold source (precision) instead of at least one
# counterexample: answer citing ['a', 'x'] for gold source a counts as wrong, should be right
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
        return bool(r["citations"]) and all(c in gold_ids for c in r["citations"])
    return {
        "questions": len(gold),
        "refusal_recall": share(sum(r["refused"] for r in unans), len(unans)),
        "false_refusal_rate": share(sum(r["refused"] for q, r in ans_), len(ans_)),
        "groundedness": share(sum(check_answer(r["answer"], r["chunks"]).grounded for r in answered), len(answered)),
        "citation_accuracy": share(sum(cites_gold(q, r) for q, r in answered_ans), len(answered_ans)),
    }
