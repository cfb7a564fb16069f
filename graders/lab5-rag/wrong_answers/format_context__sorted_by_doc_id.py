# wrong because: sorts the chunks by doc_id before formatting; the task says "for each chunk, in the order given".
# counterexample: format_context([b, a]) with b = runbook-x (section "") and a = policy-household-basic/Excess must start
#   with "[runbook-x] Runbook X\nRestart the service." ; this returns the policy-household-basic block first.
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    blocks = []
    for c in sorted(chunks, key=lambda c: c.metadata["doc_id"]):
        head = f"[{c.metadata['doc_id']}] {c.metadata['title']}"
        if c.metadata.get("section"):
            head += f" — {c.metadata['section']}"
        blocks.append(f"{head}\n{c.page_content}")
    return "\n\n".join(blocks)
