# wrong because: calls the model first (inside a defensive try/except that turns any model error into a refusal)
#   and only then applies the retrieval gate; the task says a gated question is refused "without calling the model".
#   The visible test's must_not_be_called model raises AssertionError, which the except swallows.
# counterexample: answer("q", fixed_retriever(chunk("d", "low text", score=0.2)), counting_model, 0.5) must return the
#   refusal without calling counting_model (0 calls); this calls it once.
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    chain = PROMPT | llm | StrOutputParser()
    try:
        text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    except Exception:
        return refusal
    if should_refuse(chunks, min_score):
        return refusal
    known = {c.metadata["doc_id"] for c in chunks}
    cited = citations(text)
    for bad in [c for c in cited if c not in known]:
        text = text.replace(f"[{bad}]", "")
    valid = [c for c in cited if c in known]
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
