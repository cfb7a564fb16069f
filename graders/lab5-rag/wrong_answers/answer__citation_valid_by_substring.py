# wrong because: an id counts as valid when it is a substring of some retrieved doc_id, so a made-up partial id
#   such as [household] is kept instead of removed (and then makes check_answer fail the whole answer).
# counterexample: retrieved [excess], model says "The standard excess per claim is EUR 225 [policy-household-basic]
#   [household]." -> [household] must be removed and the answer returned with citations ["policy-household-basic"];
#   this keeps it and refuses.
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refusal
    text = (PROMPT | llm | StrOutputParser()).invoke({"context": format_context(chunks), "question": question})
    text = text.strip()
    doc_ids = [c.metadata["doc_id"] for c in chunks]
    valid = []
    for cid in citations(text):
        if any(cid in doc_id for doc_id in doc_ids):
            valid.append(cid)
        else:
            text = text.replace(f"[{cid}]", "")
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
