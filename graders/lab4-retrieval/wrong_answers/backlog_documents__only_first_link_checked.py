# wrong because: looks only at the first link to spot a copy, so a ticket whose ("duplicates", ...) link is not its first link is indexed anyway; the task says leave out tickets with a ("duplicates", <other key>) link in .links.
# counterexample: BacklogItem(key="NVA-2", summary="s", links=[("relates to", "NVA-7"), ("duplicates", "NVA-1")]) must be left out; this indexes it.
def backlog_documents(items):
    """Backlog items as langchain Documents with scalar metadata; duplicates of other tickets left out."""
    out = []
    for item in items:
        if item.links and item.links[0][0] == "duplicates":
            continue
        content = f"{item.summary}\n\n{item.description}" if item.description else item.summary
        out.append(Document(page_content=content, id=item.key, metadata={
            "doc_id": item.key, "title": item.summary, "source": "backlog", "type": item.type,
            "status": item.status, "classification": item.classification,
            "components": ", ".join(item.components)}))
    return out
