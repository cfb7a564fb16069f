def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    blocks = []
    for chunk in chunks:
        meta = chunk.metadata
        head = f"[{meta.get('title', '')}]"
        if meta.get("section"):
            head += f" — {meta['section']}"
        blocks.append(f"{head}\n{chunk.page_content}")
    return "\n\n".join(blocks)
