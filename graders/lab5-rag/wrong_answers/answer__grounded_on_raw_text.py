# wrong because: checks groundedness on the model's raw text, before the made-up ids are removed
# counterexample: a made-up id makes check_answer's citations_valid False -> refused, although after cleaning a valid grounded citation remains (should answer)
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    def refusal(kept):
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": kept}

    chunks = [c for c in retriever.invoke(question) if not looks_like_injection(c.page_content)]
    if should_refuse(chunks, min_score):
        return refusal(chunks)
    raw = (PROMPT | llm | StrOutputParser()).invoke({"context": format_context(chunks), "question": question}).strip()
    valid_ids = {c.metadata.get("doc_id") for c in chunks}
    grounded = check_answer(raw, chunks).grounded
    text = raw
    for cited in citations(raw):
        if cited not in valid_ids:
            text = text.replace(f" [{cited}]", "").replace(f"[{cited}]", "")
    cited = [c for c in citations(text) if c in valid_ids]
    if is_refusal(text) or not cited or not grounded:
        return refusal(chunks)
    return {"answer": text, "citations": cited, "refused": False, "chunks": chunks}
