# wrong because: lists the citations in the order of the retrieved chunks (one per chunk), not in order of first
#   appearance in the answer, and repeats an id when two retrieved chunks come from the same document.
# counterexample: chunks [excess, hotel]; model says "Travel Comfort pays up to 4 hotel nights after a delayed flight
#   [policy-travel-comfort]. The standard excess per claim is EUR 225 [policy-household-basic]." -> citations must be
#   ["policy-travel-comfort", "policy-household-basic"]; this returns ["policy-household-basic", "policy-travel-comfort"].
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    if should_refuse(chunks, min_score):
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    text = (PROMPT | llm | StrOutputParser()).invoke(
        {"context": format_context(chunks), "question": question}).strip()
    cited = citations(text)
    ids = [c.metadata["doc_id"] for c in chunks]
    for cid in cited:
        if cid not in ids:
            text = text.replace("[" + cid + "]", "")
    valid = [doc_id for doc_id in ids if doc_id in cited]
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
