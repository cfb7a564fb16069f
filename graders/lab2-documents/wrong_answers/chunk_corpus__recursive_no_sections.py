def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents (PDFs cleaned first), each tagged with its document's format and doc_type."""
    chunks = []
    for doc in docs:
        if doc.format == "pdf":
            doc = replace(doc, text=clean_text(doc.text))
        for chunk in chunk_recursive(doc, size=max_chars):
            chunk.metadata["format"] = doc.format
            chunk.metadata["doc_type"] = doc.doc_type
            chunks.append(chunk)
    return chunks
