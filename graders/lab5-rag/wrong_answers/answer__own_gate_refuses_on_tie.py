# wrong because: re-implements the gate inline with <= (a best score equal to min_score is refused) instead of
#   should_refuse; the task's gate answers when the best score equals min_score.
# counterexample: retrieved [excess] with score 0.5, min_score 0.5, model "The standard excess per claim is EUR 225
#   [policy-household-basic]." -> must answer (refused=False); this refuses without calling the model.
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if not chunks or max(c.metadata["score"] for c in chunks) <= min_score:
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    known = {c.metadata["doc_id"] for c in chunks}
    cited = citations(text)
    for cid in cited:
        if cid not in known:
            text = text.replace(f"[{cid}]", "")
    valid = [cid for cid in cited if cid in known]
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
