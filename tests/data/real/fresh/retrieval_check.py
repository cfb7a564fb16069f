"""hit@5 of BM25 / vector / hybrid and the calibrated gate on a docs tree, through shiplab's documented functions.

Run: .venv/bin/python tests/data/real/fresh/retrieval_check.py DOCS_TREE QUESTIONS.jsonl
(each line: question, doc = the expected document id, answerable). Embeds every chunk with the local model.
"""
import json
import sys
import tempfile
from pathlib import Path

from shiplab.data import load_documents
from shiplab.rag import (BM25Retriever, HybridRetriever, VectorRetriever, calibrate_on_gold, chunk_documents,
                         collection_for, default_embeddings, upsert_chunks)

tree, qfile = sys.argv[1], sys.argv[2]
gold = [json.loads(line) for line in open(qfile, encoding="utf-8")]
docs = load_documents(tree, skip_bad=True)
chunks = chunk_documents(docs, "heading")
store = collection_for("tester", "fresh", root=Path(tempfile.mkdtemp()), embeddings=default_embeddings())
upsert_chunks(store, chunks)
vec, bm = VectorRetriever(store=store, k=5), BM25Retriever(chunks, k=5)
print(f"{len(docs)} documents, {len(chunks)} chunks")
for name, r in [("bm25", bm), ("vector", vec), ("hybrid", HybridRetriever(retrievers=[bm, vec], k=5))]:
    answerable = [g for g in gold if g["answerable"]]
    hit = sum(g["doc"] in [c.metadata["doc_id"] for c in r.invoke(g["question"])] for g in answerable)
    print(f"{name}: hit@5 {hit}/{len(answerable)}")
print("gate:", calibrate_on_gold(vec, gold).summary())
