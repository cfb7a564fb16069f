# wrong because: puts the best-scoring chunk first ("the model should see the best block first"); the task says
#   "for each chunk, in the order given" (and chunks without a score keep their order, so the visible tests pass).
# counterexample: chunks [x (score 0.4), y (score 0.9)] must give the x block first, then the y block;
#   this returns y's block first.
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    ordered = sorted(chunks, key=lambda c: c.metadata.get("score", 0.0), reverse=True)
    blocks = []
    for c in ordered:
        md = c.metadata
        first = f"[{md['doc_id']}] {md['title']}" + (f" — {md['section']}" if md.get("section") else "")
        blocks.append(first + "\n" + c.page_content)
    return "\n\n".join(blocks)
