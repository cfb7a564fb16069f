# wrong because: the refusal dicts carry "chunks": [] ("nothing used"); the task's refusal dict is
#   {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks} with the retrieved chunks.
# counterexample: answer("q", fixed_retriever(low), must_not_be_called, 0.5) with low scored 0.2 must return
#   chunks == [low]; this returns [].
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": []}
    if should_refuse(chunks, min_score):
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    known = [c.metadata["doc_id"] for c in chunks]
    cited = citations(text)
    for cid in cited:
        if cid not in known:
            text = text.replace(f"[{cid}]", "")
    valid = [cid for cid in cited if cid in known]
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
