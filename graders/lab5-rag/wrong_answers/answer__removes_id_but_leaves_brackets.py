# wrong because: removes a made-up id by bare substring replace, leaving its empty "[]" in the text (and able to
#   cut into a valid id that contains it); the task says remove those "[id]" markers.
# counterexample: retrieved [excess], model says "The standard excess per claim is EUR 225 [policy-household-basic]
#   [policy-cyber-basic]." -> the answer must contain no "[policy-cyber-basic]" marker at all; this leaves
#   "... [policy-household-basic] []." in the answer.
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    known = {c.metadata["doc_id"] for c in chunks}
    cited = citations(text)
    valid = [cid for cid in cited if cid in known]
    for cid in cited:
        if cid not in known:
            text = text.replace(cid, "")
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
