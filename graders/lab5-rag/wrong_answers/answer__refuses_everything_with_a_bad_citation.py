def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    known = {chunk.metadata["doc_id"] for chunk in chunks}
    cited = citations(text)
    if is_refusal(text) or not cited or any(c not in known for c in cited):
        return refusal
    if not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": cited, "refused": False, "chunks": chunks}
