def evaluate_rag(answer_fn, gold):
    """Refusal recall, false refusals, groundedness and citation accuracy of answer_fn on a gold set."""
    def share(flags):
        return sum(flags) / len(flags) if flags else None

    refused_unanswerable, refused_answerable, grounded, cited_right = [], [], [], []
    for item in gold:
        result = answer_fn(item["question"])
        (refused_answerable if item.get("answerable", True) else refused_unanswerable).append(result["refused"])
        grounded.append(result["refused"] or check_answer(result["answer"], result["chunks"]).grounded)
        if item.get("answerable", True) and not result["refused"]:
            wanted = {s["doc_id"] for s in item.get("sources", [])}
            cited_right.append(bool(wanted & set(result["citations"])))
    return {"questions": len(gold), "refusal_recall": share(refused_unanswerable),
            "false_refusal_rate": share(refused_answerable), "groundedness": share(grounded),
            "citation_accuracy": share(cited_right)}
