# wrong because: takes the largest id as a *string*, so "Q999" beats "Q1000" and the new id repeats an existing one; the task says the next id is Q + the largest *number* + 1.
# counterexample: gold ids ["Q999", "Q1000"] -> the new id must be "Q1001"; this gives "Q1000" (a duplicate id).
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    def squash(text):
        return " ".join(text.split())
    key = question.strip().lower()
    if any(q["question"].strip().lower() == key for q in gold):
        raise ValueError(f"{question!r} is already in the gold set")
    last = max(q["id"] for q in gold) if gold else "Q000"
    new_id = f"Q{int(last[1:]) + 1:03d}"
    if doc_id is None:
        item = {"id": new_id, "question": question, "answer": "not in the documents", "answerable": False,
                "sources": []}
    else:
        if doc_id not in texts:
            raise ValueError(f"unknown document id {doc_id!r}")
        if squash(passage) not in squash(texts[doc_id]):
            raise ValueError(f"the passage is not in document {doc_id!r}")
        item = {"id": new_id, "question": question, "answer": answer, "answerable": True,
                "sources": [{"doc_id": doc_id, "passage": passage}]}
    return list(gold) + [item]
