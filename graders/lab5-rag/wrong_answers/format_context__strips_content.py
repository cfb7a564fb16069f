# wrong because: strips each chunk's page_content (leading indentation, trailing line breaks of the text are lost)
# counterexample: a chunk with page_content '  - item one\n' gives '...\n- item one', should keep '  - item one\n'
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    blocks = []
    for c in chunks:
        m = c.metadata
        section = m.get("section") or ""
        head = f"[{m.get('doc_id')}] {m.get('title')}" + (f" — {section}" if section else "")
        blocks.append(f"{head}\n{c.page_content.strip()}")
    return "\n\n".join(blocks)
