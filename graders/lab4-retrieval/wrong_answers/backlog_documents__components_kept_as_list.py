# wrong because: stores metadata["components"] as the list itself; the task says the components joined by ", " (metadata must be strings, numbers or booleans).
# counterexample: a ticket with components ["Billing", "Document Management"] must get metadata["components"] == "Billing, Document Management"; this gives the list ["Billing", "Document Management"].
def backlog_documents(items):
    """Backlog items as langchain Documents with scalar metadata; duplicates of other tickets left out."""
    out = []
    for item in items:
        if any(kind == "duplicates" for kind, _ in item.links):
            continue
        content = f"{item.summary}\n\n{item.description}" if item.description else item.summary
        out.append(Document(page_content=content, id=item.key, metadata={
            "doc_id": item.key, "title": item.summary, "source": "backlog", "type": item.type,
            "status": item.status, "classification": item.classification,
            "components": list(item.components)}))
    return out
