"""Your documents into your own index (a Chroma folder), with each chunk's classification kept so that
``allowed_filter`` can filter on it: ``python -m assistant.index build <documents folder> [index folder]``."""

from __future__ import annotations

import sys
from pathlib import Path

OWNER = "assistant"  # one collection per index folder
NAME = "documents"


def open_store(folder: str | Path):
    from shiplab.rag import collection_for

    return collection_for(OWNER, NAME, root=Path(folder))


def build(documents: str | Path, folder: str | Path = "index") -> dict:
    """Read every document under ``documents``, chunk by heading, and upsert into the index; safe to re-run."""
    from shiplab.data import load_documents
    from shiplab.rag import chunk_documents, upsert_chunks

    docs = load_documents(documents, skip_bad=True)
    chunks = chunk_documents(docs, "heading")
    counts = upsert_chunks(open_store(folder), chunks)
    return {"documents": len(docs), "chunks": len(chunks), **counts}


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or sys.argv[1] != "build":
        print("usage: python -m assistant.index build <documents folder> [index folder]")
        sys.exit(2)
    print(build(*sys.argv[2:]))
