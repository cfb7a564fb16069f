def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents (all cleaned first), each tagged with its document's format and doc_type."""
    chunks = []
    for doc in docs:
        doc = replace(doc, text=clean_text(doc.text))
        for chunk in chunk_by_heading(doc, max_size=max_chars):
            chunk.metadata["format"] = doc.format
            chunk.metadata["doc_type"] = doc.doc_type
            chunks.append(chunk)
    return chunks
