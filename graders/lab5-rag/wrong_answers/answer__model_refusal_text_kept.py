# wrong because: when the model itself refuses, returns the model's wording as the answer; the task says to return
#   the same refusal dict as in step 2 (answer exactly REFUSAL).
# counterexample: retrieved [excess], model says "I cannot find that in the documents." -> answer must be
#   "Not in the documents."; this returns "I cannot find that in the documents.".
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    if should_refuse(chunks, min_score):
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    if is_refusal(text):
        return {"answer": text, "citations": [], "refused": True, "chunks": chunks}
    known = {c.metadata["doc_id"] for c in chunks}
    cited = citations(text)
    for cid in cited:
        if cid not in known:
            text = text.replace(f"[{cid}]", "")
    valid = [cid for cid in cited if cid in known]
    if not valid or not check_answer(text, chunks).grounded:
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
