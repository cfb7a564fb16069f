# wrong because: checks doc_id against texts before looking at doc_id=None, so every unanswerable question is refused as an "unknown id"; the task says doc_id=None adds an unanswerable question.
# counterexample: add_gold_question(gold[:3], "What does pet insurance cost?", None, None, None, doc_texts) must return 4 items, the last {"answerable": False, "sources": [], "answer": "not in the documents", ...}; this raises ValueError.
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    def squash(text):
        return " ".join(text.split())
    key = question.strip().lower()
    if any(q["question"].strip().lower() == key for q in gold):
        raise ValueError(f"{question!r} is already in the gold set")
    numbers = [int(q["id"][1:]) for q in gold]
    new_id = f"Q{max(numbers, default=0) + 1:03d}"
    if doc_id not in texts:
        raise ValueError(f"unknown document id {doc_id!r}")
    if passage is None or squash(passage) not in squash(texts[doc_id]):
        raise ValueError(f"the passage is not in document {doc_id!r}")
    item = {"id": new_id, "question": question, "answer": answer, "answerable": True,
            "sources": [{"doc_id": doc_id, "passage": passage}]}
    return list(gold) + [item]
