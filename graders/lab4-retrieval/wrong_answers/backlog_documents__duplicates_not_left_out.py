# wrong because: indexes every ticket, also the copies that carry a ("duplicates", <key>) link; the task says to leave out tickets that duplicate another.
# counterexample: backlog_documents(load_sample_backlog("jira")) must not contain NVA-1056 (it links ("duplicates", ...)); this includes all 1100 tickets, the 70 copies among them.
def backlog_documents(items):
    """Backlog items as langchain Documents with scalar metadata; duplicates of other tickets left out."""
    out = []
    for item in items:
        content = f"{item.summary}\n\n{item.description}" if item.description else item.summary
        out.append(Document(page_content=content, id=item.key, metadata={
            "doc_id": item.key, "title": item.summary, "source": "backlog", "type": item.type,
            "status": item.status, "classification": item.classification,
            "components": ", ".join(item.components)}))
    return out
