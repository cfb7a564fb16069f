# wrong because: returns the model's text as it came, without stripping it (step 3: "strip the text").
# counterexample: a model answering "  The standard excess per claim is EUR 225 [policy-household-basic].\n" for the
#   excess chunk must give answer "The standard excess per claim is EUR 225 [policy-household-basic]."; this keeps
#   the leading spaces and the newline.
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refused = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refused
    text = (PROMPT | llm | StrOutputParser()).invoke({"context": format_context(chunks), "question": question})
    doc_ids = [c.metadata["doc_id"] for c in chunks]
    valid = []
    for cid in citations(text):
        if cid in doc_ids:
            valid.append(cid)
        else:
            text = text.replace(f"[{cid}]", "")
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refused
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
