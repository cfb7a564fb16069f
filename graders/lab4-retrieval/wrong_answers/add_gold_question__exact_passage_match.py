def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    import re

    if question.strip().lower() in {item["question"].strip().lower() for item in gold}:
        raise ValueError(f"the question {question!r} is already in the gold set")
    numbers = [int(m.group(1)) for item in gold if (m := re.fullmatch(r"Q(\d+)", str(item.get("id", ""))))]
    item = {"id": f"Q{max(numbers, default=0) + 1:03d}", "question": question}
    if doc_id is None:
        item.update(answer="not in the documents", answerable=False, sources=[])
    else:
        if doc_id not in texts:
            raise ValueError(f"there is no document {doc_id!r}")
        if passage not in texts[doc_id]:
            raise ValueError(f"the passage is not in document {doc_id!r}")
        item.update(answer=answer, answerable=True, sources=[{"doc_id": doc_id, "passage": passage}])
    return gold + [item]
