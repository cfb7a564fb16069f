"""The previous version — what users had before the assistant: the best-matching passage of a document they may
read, cited, with no model. The feature flag rolls back to it; it needs only the retriever."""

from __future__ import annotations

import re

REFUSAL = "Not in the documents."


def search_answer(question, retriever, min_score: float = 0.0) -> dict:
    """The top chunk's first full sentence with its doc id, or the refusal when nothing scores ``min_score``."""
    hits = retriever.invoke(question)
    if not hits or hits[0].metadata.get("score", 0.0) < min_score:
        return {"answer": REFUSAL, "citations": [], "refused": True, "chunks": hits}
    best = hits[0]
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|\n+", best.page_content)
                 if len(s.split()) >= 5 and not s.lstrip().startswith("#")] or [best.page_content]
    doc_id = best.metadata.get("doc_id", "")
    return {"answer": f"{sentences[0].strip()} [{doc_id}]", "citations": [doc_id], "refused": False,
            "chunks": hits}
