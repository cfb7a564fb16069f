def backlog_documents(items):
    """Backlog items as langchain Documents with scalar metadata; duplicates of other tickets left out."""
    out = []
    for item in items:
        if any(kind == "duplicates" for kind, _ in item.links):
            continue
        body = item.summary if not item.description.strip() else f"{item.summary}\n\n{item.description.strip()}"
        metadata = {"key": item.key, "title": item.summary, "source": "backlog", "type": item.type,
                    "status": item.status, "classification": item.classification,
                    "components": ", ".join(item.components)}
        out.append(Document(page_content=body, metadata=metadata, id=item.key))
    return out
