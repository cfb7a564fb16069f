# wrong because: gates on all retrieved chunks and screens the poisoned ones only afterwards: a poisoned chunk that is the only one above the gate lets the model be called
# counterexample: retriever -> [poisoned(score 0.9), excess(score 0.2)], min_score 0.5: the model is called (and the excess answer may come back), should refuse without calling it
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    def refusal(kept):
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}

    raw = retriever.invoke(question)
    if should_refuse(raw, min_score):
        return refusal(raw)
    chunks = [c for c in raw if not looks_like_injection(c.page_content)]
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    valid_ids = {c.metadata.get("doc_id") for c in chunks}
    for cited in citations(text):
        if cited not in valid_ids:
            text = text.replace(f"[{cited}]", "")
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"  +", " ", text)).strip()
    cited = [c for c in citations(text) if c in valid_ids]
    if is_refusal(text) or not cited or not check_answer(text, chunks).grounded:
        return refusal(chunks)
    return {"answer": text, "citations": cited, "refused": False, "chunks": chunks}
