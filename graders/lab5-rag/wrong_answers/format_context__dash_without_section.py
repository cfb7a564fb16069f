def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    return "\n\n".join(f"[{c.metadata['doc_id']}] {c.metadata.get('title', '')} — {c.metadata.get('section', '')}\n"
                       f"{c.page_content}" for c in chunks)
