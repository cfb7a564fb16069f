# wrong because: only turns line breaks into spaces, so other whitespace differences (two spaces, indentation after a line break, tabs) still make a real passage "not found"; the task says ignore differences in whitespace.
# counterexample: texts = {"doc-a": "The maximum inpatient\n    cover is EUR 50,000."}, passage "The maximum inpatient cover is" -> must be accepted; this raises ValueError naming doc-a.
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    def squash(text):
        return text.replace("\r\n", " ").replace("\n", " ")
    key = question.strip().lower()
    if any(q["question"].strip().lower() == key for q in gold):
        raise ValueError(f"{question!r} is already in the gold set")
    numbers = [int(q["id"][1:]) for q in gold]
    new_id = f"Q{max(numbers, default=0) + 1:03d}"
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
