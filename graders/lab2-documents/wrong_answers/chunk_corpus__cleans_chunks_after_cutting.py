# wrong because: a PDF must get clean_text FIRST and then be cut; this cuts the raw PDF text and cleans each chunk's page_content afterwards, so chunk boundaries (and start/end) come from the uncleaned text.
# counterexample: a pdf Document with text ("Water damage" + " " * 20 + "\n") * 30 and max_chars=400: cleaned it is 389 characters, so it must be 1 chunk; this returns 3 chunks.
def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents (PDFs cleaned first), each tagged with its document's format and doc_type."""
    out = []
    for doc in docs:
        for chunk in chunk_by_heading(doc, max_size=max_chars):
            if doc.format == "pdf":
                chunk.page_content = clean_text(chunk.page_content)
            chunk.metadata["format"] = doc.format
            chunk.metadata["doc_type"] = doc.doc_type
            out.append(chunk)
    return out
