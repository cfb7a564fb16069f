# wrong because: returns the valid citations sorted (via a set), not "in order of first appearance".
# counterexample: chunks [excess, hotel]; model says "Travel Comfort pays up to 4 hotel nights after a delayed flight
#   [policy-travel-comfort]. The standard excess per claim is EUR 225 [policy-household-basic]." -> citations must be
#   ["policy-travel-comfort", "policy-household-basic"]; this returns them alphabetically (household first).
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    retrieved_ids = {c.metadata["doc_id"] for c in chunks}
    cited = set(citations(text))
    for made_up in cited - retrieved_ids:
        text = text.replace(f"[{made_up}]", "")
    valid = sorted(cited & retrieved_ids)
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
