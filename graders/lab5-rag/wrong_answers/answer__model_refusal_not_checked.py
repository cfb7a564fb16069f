# wrong because: never checks is_refusal(text): it relies on "no valid citation" and check_answer to catch a model
#   refusal, but a refusal that cites a retrieved id passes both (check_answer skips refusal sentences).
# counterexample: retrieved [excess], model says "Not in the documents [policy-household-basic]." -> must be the
#   refusal dict (refused=True, answer REFUSAL); this returns refused=False with that text.
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    known = {c.metadata["doc_id"] for c in chunks}
    valid = []
    for cid in citations(text):
        if cid in known:
            valid.append(cid)
        else:
            text = text.replace(f"[{cid}]", "")
    if not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
