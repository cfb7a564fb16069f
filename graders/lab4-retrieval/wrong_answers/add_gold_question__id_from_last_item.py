# wrong because: increments the id of the *last* item, assuming the gold list is sorted; the task says the largest number among existing ids + 1.
# counterexample: gold ids ["Q005", "Q002"] -> the new id must be "Q006"; this gives "Q003".
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    def squash(text):
        return " ".join(text.split())
    key = question.strip().lower()
    if any(q["question"].strip().lower() == key for q in gold):
        raise ValueError(f"{question!r} is already in the gold set")
    new_id = f"Q{int(gold[-1]['id'][1:]) + 1:03d}" if gold else "Q001"
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
