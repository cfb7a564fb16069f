# wrong because: zero-pads by gluing "Q00" in front of the number, which is only right for 1..9; the task says zero-padded to 3 digits (Q009 -> Q010).
# counterexample: gold ids ["Q001", "Q009"] -> the new id must be "Q010"; this gives "Q0010".
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    def squash(text):
        return " ".join(text.split())
    key = question.strip().lower()
    if any(q["question"].strip().lower() == key for q in gold):
        raise ValueError(f"{question!r} is already in the gold set")
    numbers = [int(q["id"][1:]) for q in gold]
    new_id = "Q00" + str(max(numbers, default=0) + 1)
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
