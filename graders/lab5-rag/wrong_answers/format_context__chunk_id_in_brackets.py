# wrong because: labels each block with the chunk's own id (metadata chunk_id / Document.id) when there is one,
#   instead of the doc_id the task asks for ("[<doc_id>] <title> — <section>").
# counterexample: a chunk as chunk_documents makes it, id "policy-household-basic:0:ab12cd34", doc_id
#   "policy-household-basic", title "Household Basic", section "Excess", text "T." must give
#   "[policy-household-basic] Household Basic — Excess\nT."; this gives "[policy-household-basic:0:ab12cd34] ...".
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    blocks = []
    for c in chunks:
        label = c.metadata.get("chunk_id") or c.id or c.metadata["doc_id"]
        head = f"[{label}] {c.metadata['title']}"
        if c.metadata.get("section"):
            head += f" — {c.metadata['section']}"
        blocks.append(head + "\n" + c.page_content)
    return "\n\n".join(blocks)
