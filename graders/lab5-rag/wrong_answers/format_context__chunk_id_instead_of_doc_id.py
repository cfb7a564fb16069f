# wrong because: cites the chunk id (metadata['chunk_id'], shown in lab 4) when there is one, not the doc_id
# counterexample: a chunk from chunk_documents gives '[adr-001:0:ab12cd34] ...', should be '[adr-001] ...' (answers then cite ids that are not doc ids)
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    blocks = []
    for c in chunks:
        m = c.metadata
        cite = m.get("chunk_id") or m.get("doc_id")
        section = m.get("section") or ""
        head = f"[{cite}] {m.get('title')}" + (f" — {section}" if section else "")
        blocks.append(f"{head}\n{c.page_content}")
    return "\n\n".join(blocks)
