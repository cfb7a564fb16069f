"""shiplab.rag — the small retrieval toolkit the labs use, built on langchain-core and chromadb.

The pipeline, one module each: ``chunking`` (documents -> chunks with metadata) -> ``embeddings`` (local
all-MiniLM-L6-v2 or the hub's gateway) -> ``store`` (a chromadb directory per participant) -> ``retrieval``
(vector, BM25, hybrid) -> ``evaluate`` (recall/MRR/nDCG on a gold set; answer groundedness) -> ``calibrate`` (the
score gate's threshold, per corpus, from its own gold questions). ``llm`` is the chat model (the hub's gateway, or
the same gateway in-process outside the hub: ``local``).
"""

from shiplab.rag.calibrate import Calibration, calibrate_on_gold, calibrate_threshold
from shiplab.rag.chunking import (
    chunk_by_heading,
    chunk_documents,
    chunk_fixed,
    chunk_recursive,
)
from shiplab.rag.embeddings import (
    LocalMiniLM,
    OpenAICompatEmbeddings,
    ShiplabEmbeddingFunction,
    default_embeddings,
)
from shiplab.rag.evaluate import check_answer, evaluate_retrieval, is_refusal, load_gold
from shiplab.rag.retrieval import (
    BM25Retriever,
    HybridRetriever,
    VectorRetriever,
    hybrid_retriever,
)
from shiplab.rag.store import collection_for, release, upsert_chunks

__all__ = [
    "BM25Retriever", "Calibration", "HybridRetriever", "LocalMiniLM", "OpenAICompatEmbeddings",
    "ShiplabEmbeddingFunction", "VectorRetriever", "calibrate_on_gold", "calibrate_threshold", "check_answer",
    "chunk_by_heading", "chunk_documents", "chunk_fixed", "chunk_recursive", "collection_for", "default_embeddings",
    "evaluate_retrieval", "hybrid_retriever", "is_refusal", "load_gold", "release", "upsert_chunks",
]
