# wrong because: always writes summary + blank line + description, so a ticket without description gets "summary\n\n"; the task says just the summary when there is no description.
# counterexample: BacklogItem(key="NVA-1", summary="Login fails") must give page_content "Login fails"; this gives "Login fails\n\n".
def backlog_documents(items):
    """Backlog items as langchain Documents with scalar metadata; duplicates of other tickets left out."""
    out = []
    for item in items:
        if any(kind == "duplicates" for kind, _ in item.links):
            continue
        content = f"{item.summary}\n\n{item.description}"
        out.append(Document(page_content=content, id=item.key, metadata={
            "doc_id": item.key, "title": item.summary, "source": "backlog", "type": item.type,
            "status": item.status, "classification": item.classification,
            "components": ", ".join(item.components)}))
    return out
