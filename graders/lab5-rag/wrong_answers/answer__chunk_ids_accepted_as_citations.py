# wrong because: takes the made-up ids from check_answer(text, chunks).unknown_citations, which also accepts chunk ids
#   (Document.id / metadata chunk_id); the task says ids that are not the doc_id of a retrieved chunk were made up.
# counterexample: retrieved one chunk with doc_id "policy-household-basic" and id/chunk_id
#   "policy-household-basic:0:ab12cd34"; model says "The standard excess per claim is EUR 225
#   [policy-household-basic:0:ab12cd34]." -> that id must be removed, nothing valid is left, so refuse; this answers
#   with citations ["policy-household-basic:0:ab12cd34"].
def answer(question, retriever, llm, min_score):
    """Answer from the retrieved chunks with citations, or refuse; see the task for the rules."""
    chunks = [chunk for chunk in retriever.invoke(question) if not looks_like_injection(chunk.page_content)]
    refusal = {"answer": REFUSAL, "citations": [], "refused": True, "chunks": chunks}
    if should_refuse(chunks, min_score):
        return refusal
    chain = PROMPT | llm | StrOutputParser()
    text = chain.invoke({"context": format_context(chunks), "question": question}).strip()
    made_up = check_answer(text, chunks).unknown_citations
    for cid in made_up:
        text = text.replace(f"[{cid}]", "")
    valid = [cid for cid in citations(text) if cid not in made_up]
    if is_refusal(text) or not valid or not check_answer(text, chunks).grounded:
        return refusal
    return {"answer": text, "citations": valid, "refused": False, "chunks": chunks}
