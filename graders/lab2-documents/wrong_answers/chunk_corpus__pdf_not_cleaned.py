def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents, each tagged with its document's format and doc_type."""
    chunks = []
    for doc in docs:
        for chunk in chunk_by_heading(doc, max_size=max_chars):
            chunk.metadata["format"] = doc.format
            chunk.metadata["doc_type"] = doc.doc_type
            chunks.append(chunk)
    return chunks
