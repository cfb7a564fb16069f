# wrong because: screens chunks with its own word test ('instruction' in the text) instead of looks_like_injection: drops harmless chunks
# counterexample: a chunk 'Follow the instructions on the claim form.' is dropped (and the question refused), should be kept
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    def refusal(kept):
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}

    chunks = [c for c in retriever.invoke(question) if "instruction" not in c.page_content.lower()]
    if should_refuse(chunks, min_score):
        return refusal(chunks)
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
