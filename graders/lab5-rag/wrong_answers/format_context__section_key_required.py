# wrong because: reads metadata['section'] with [] so a chunk without a section key (a backlog ticket, lab 4's documents) raises KeyError
# counterexample: format_context([Document(page_content='x', metadata={'doc_id': 'd', 'title': 'T'})]) raises KeyError, should be '[d] T\nx'
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    blocks = []
    for c in chunks:
        m = c.metadata
        head = f"[{m['doc_id']}] {m['title']}" + (f" — {m['section']}" if m["section"] else "")
        blocks.append(head + "\n" + c.page_content)
    return "\n\n".join(blocks)
