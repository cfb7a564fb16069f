# wrong because: valid citation ids come from every retrieved chunk, including the poisoned ones screened out of the prompt
# counterexample: model citing [memo-claims-desk] next to a real citation keeps 'memo-claims-desk' in citations, should remove it
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    def refusal(kept):
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}

    raw = retriever.invoke(question)
    chunks = [c for c in raw if not looks_like_injection(c.page_content)]
    if should_refuse(chunks, min_score):
        return refusal(chunks)
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    valid_ids = {c.metadata.get("doc_id") for c in raw}
    for cited in citations(text):
        if cited not in valid_ids:
            text = text.replace(f"[{cited}]", "")
    text = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"  +", " ", text)).strip()
    cited = [c for c in citations(text) if c in valid_ids]
    if is_refusal(text) or not cited or not check_answer(text, chunks).grounded:
        return refusal(chunks)
    return {"answer": text, "citations": cited, "refused": False, "chunks": chunks}
