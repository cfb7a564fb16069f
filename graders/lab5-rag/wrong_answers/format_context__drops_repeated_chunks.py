def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    blocks, seen = [], set()
    for chunk in chunks:
        meta = chunk.metadata
        if meta["doc_id"] in seen:
            continue
        seen.add(meta["doc_id"])
        head = f"[{meta['doc_id']}] {meta.get('title', '')}"
        if meta.get("section"):
            head += f" — {meta['section']}"
        blocks.append(f"{head}\n{chunk.page_content}")
    return "\n\n".join(blocks)
