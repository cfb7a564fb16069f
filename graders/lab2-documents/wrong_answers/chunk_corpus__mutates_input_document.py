# wrong because: the task says to clean a PDF on a copy (dataclasses.replace(doc, text=clean_text(doc.text))); this overwrites doc.text in place, so the caller's documents are changed by chunking.
# counterexample: scan = Document(id="scan-1", title="Scan", format="pdf", text="Cover\n\x7f first point of\nthe list"); after chunk_corpus([scan]) scan.text must still be "Cover\n\x7f first point of\nthe list"; here it becomes "Cover\n- first point of the list".
def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents (PDFs cleaned first), each tagged with its document's format and doc_type."""
    out = []
    for doc in docs:
        if doc.format == "pdf":
            doc.text = clean_text(doc.text)
        for chunk in chunk_by_heading(doc, max_size=max_chars):
            chunk.metadata["format"] = doc.format
            chunk.metadata["doc_type"] = doc.doc_type
            out.append(chunk)
    return out
