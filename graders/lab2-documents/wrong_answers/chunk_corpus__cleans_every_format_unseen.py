# wrong because: only a PDF gets clean_text; md, html and docx "keep their text as read (their sections point into it)". This cleans every document, so non-PDF chunks no longer match the text as read.
# counterexample: Document(id="m", title="M", format="md", text="# Steps\nCall the\nhotline.", sections=[("Steps", "Call the\nhotline.")]) must give the chunk "# Steps\nCall the\nhotline."; this gives "# Steps\nCall the hotline.".
def chunk_corpus(docs, max_chars=800):
    """Chunks of all documents (PDFs cleaned first), each tagged with its document's format and doc_type."""
    out = []
    for doc in docs:
        cleaned = replace(doc, text=clean_text(doc.text))
        for chunk in chunk_by_heading(cleaned, max_size=max_chars):
            chunk.metadata.update(format=doc.format, doc_type=doc.doc_type)
            out.append(chunk)
    return out
