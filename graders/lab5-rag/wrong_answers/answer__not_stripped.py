# wrong because: the model's text is not stripped
# counterexample: FakeListChatModel(responses=['  The standard excess per claim is EUR 225 [policy-household-basic].\n']) -> answer keeps the spaces and newline
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    def refusal(kept):
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}

    chunks = [c for c in retriever.invoke(question) if not looks_like_injection(c.page_content)]
    if should_refuse(chunks, min_score):
        return refusal(chunks)
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question})
    valid_ids = {c.metadata.get("doc_id") for c in chunks}
    for cited in citations(text):
        if cited not in valid_ids:
            text = text.replace(f" [{cited}]", "").replace(f"[{cited}]", "")
    cited = [c for c in citations(text) if c in valid_ids]
    if is_refusal(text) or not cited or not check_answer(text, chunks).grounded:
        return refusal(chunks)
    return {"answer": text, "citations": cited, "refused": False, "chunks": chunks}
