# wrong because: skips a chunk whose doc_id already had a block (two sections of the same document); the task asks
#   for one block "for each chunk".
# counterexample: two chunks of policy-household-basic (sections "Excess" and "Exclusions") must give two blocks
#   ("[policy-household-basic] Household Basic — Excess\n..." and "... — Exclusions\n..."); this keeps only the first.
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    seen = set()
    blocks = []
    for c in chunks:
        doc_id = c.metadata["doc_id"]
        if doc_id in seen:
            continue
        seen.add(doc_id)
        section = c.metadata.get("section")
        head = f"[{doc_id}] {c.metadata['title']}" + (f" — {section}" if section else "")
        blocks.append(head + "\n" + c.page_content)
    return "\n\n".join(blocks)
