# wrong because: numbers the new item len(gold) + 1, which is only right when the ids are Q001..Qn without gaps; the task says the next id is Q + the largest number among existing ids + 1.
# counterexample: gold ids ["Q001", "Q005"] -> the new id must be "Q006"; this gives "Q003".
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    def squash(text):
        return " ".join(text.split())
    key = question.strip().lower()
    if any(q["question"].strip().lower() == key for q in gold):
        raise ValueError(f"{question!r} is already in the gold set")
    new_id = f"Q{len(gold) + 1:03d}"
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
