# wrong because: strips each chunk's text; the block is the chunk's <page_content> as it is.
# counterexample: one chunk doc_id "d", title "T", section "", page_content "  indented code\n" must give
#   "[d] T\n  indented code\n"; this gives "[d] T\nindented code".
def format_context(chunks):
    """The chunks as cited blocks: "[doc_id] title — section" then the text, separated by blank lines."""
    out = []
    for c in chunks:
        md = c.metadata
        title_line = "[{}] {}".format(md["doc_id"], md["title"])
        if md.get("section"):
            title_line += " — " + md["section"]
        out.append(title_line + "\n" + c.page_content.strip())
    return "\n\n".join(out)
