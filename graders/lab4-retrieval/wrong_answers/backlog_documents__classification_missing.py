# wrong because: leaves metadata["classification"] out (metadata ignored), so a clearance filter such as allowed_filter("internal") drops every ticket and a restricted ticket cannot be told apart; the task asks for type, status and classification as on the item.
# counterexample: BacklogItem(key="NVA-1", summary="s", classification="restricted") must get metadata["classification"] == "restricted"; this has no classification key.
def backlog_documents(items):
    """Backlog items as langchain Documents with scalar metadata; duplicates of other tickets left out."""
    out = []
    for item in items:
        if any(kind == "duplicates" for kind, _ in item.links):
            continue
        content = f"{item.summary}\n\n{item.description}" if item.description else item.summary
        out.append(Document(page_content=content, id=item.key, metadata={
            "doc_id": item.key, "title": item.summary, "source": "backlog", "type": item.type,
            "status": item.status,
            "components": ", ".join(item.components)}))
    return out
