# wrong because: "every document is cut with chunk_by_heading(doc, max_size=max_chars)"; this cuts PDFs (which have no sections) with chunk_recursive, so PDF chunks come from another chunker (metadata chunker="recursive", and a lone heading line is not joined to the piece after it).
# counterexample: a pdf Document with text "Claim report\n\n" + "The water ran for hours. " * 40 and max_chars=400 must give chunks with metadata["chunker"] == "heading" (first chunk starting "Claim report\n\nThe water"); this gives chunker "recursive" and a first chunk that is just "Claim report".
def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents (PDFs cleaned first), each tagged with its document's format and doc_type."""
    out = []
    for doc in docs:
        if doc.format == "pdf":
            chunks = chunk_recursive(replace(doc, text=clean_text(doc.text)), size=max_chars)
        else:
            chunks = chunk_by_heading(doc, max_size=max_chars)
        for chunk in chunks:
            chunk.metadata["format"] = doc.format
            chunk.metadata["doc_type"] = doc.doc_type
            out.append(chunk)
    return out
