def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    results = [(item, answer_fn(item["question"])) for item in gold]
    n = len(results)
    answered = [(i, r) for i, r in results if not r["refused"]]
    answered_answerable = [(i, r) for i, r in answered if i.get("answerable", True)]
    return {
        "questions": n,
        "refusal_recall": sum(r["refused"] for i, r in results if not i.get("answerable", True)) / n,
        "false_refusal_rate": sum(r["refused"] for i, r in results if i.get("answerable", True)) / n,
        "groundedness": (sum(check_answer(r["answer"], r["chunks"]).grounded for _, r in answered) / len(answered)
                         if answered else None),
        "citation_accuracy": (sum(bool({s["doc_id"] for s in i["sources"]} & set(r["citations"]))
                                  for i, r in answered_answerable) / len(answered_answerable)
                              if answered_answerable else None),
    }
