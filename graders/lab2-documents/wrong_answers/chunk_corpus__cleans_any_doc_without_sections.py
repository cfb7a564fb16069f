# wrong because: only PDFs get clean_text ("other formats keep their text as read"); this cleans every document that has no sections (PDFs have none), so a section-less md/txt/html document is rewritten too.
# counterexample: Document(id="note-1", title="Note", format="md", text="Intro\nline two\n\n\n\nEnd") must give one chunk "Intro\nline two\n\n\n\nEnd"; this gives "Intro line two\n\nEnd".
def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents (PDFs cleaned first), each tagged with its document's format and doc_type."""
    out = []
    for doc in docs:
        source = doc if doc.sections else replace(doc, text=clean_text(doc.text))
        for chunk in chunk_by_heading(source, max_size=max_chars):
            chunk.metadata["format"] = doc.format
            chunk.metadata["doc_type"] = doc.doc_type
            out.append(chunk)
    return out
