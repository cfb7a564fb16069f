def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = retriever.invoke(question)
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    known = {chunk.metadata["doc_id"] for chunk in chunks}
    for cited in citations(text):
        if cited not in known:
            text = text.replace(f"[{cited}]", "")
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", text)).strip()
    valid = [c for c in citations(text) if c in known]
    if is_refusal(text) or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
