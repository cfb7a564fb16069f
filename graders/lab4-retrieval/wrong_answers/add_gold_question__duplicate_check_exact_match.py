# wrong because: the duplicate check compares questions exactly; the task says a question already in the gold set *ignoring case and surrounding spaces* is a ValueError saying "already".
# counterexample: adding "  " + gold[0]["question"].upper() + " " (with doc_id=None) to gold[:3] must raise ValueError("... already ..."); this adds it as Q004.
def add_gold_question(gold, question, answer, doc_id, passage, texts):
    """A new gold list with one more, checked, question."""
    def squash(text):
        return " ".join(text.split())
    if question in [q["question"] for q in gold]:
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
