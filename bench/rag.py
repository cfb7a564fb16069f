"""What the RAG toolkit costs: ingest speed, query latency at scale, retrieval quality, and memory per participant.

Prints each figure next to its anchor or target:

1. **Raw model speed** — sentences/s of the bare ONNX encoder on 1,000 sentences of ~40 words
   (anchor: 114/s measured on 2 cores, STACK-FACTS).
2. **Ingest** — chunk + embed + insert into chroma with the toolkit vs the raw encoder on the same chunk texts
   (target: toolkit time within 1.25x of the raw encoder's).
3. **Query latency at N chunks** (``--chunks``, default 50,000) — p50/p95 of vector (query embedding included, and
   search only), BM25 and hybrid retrieval (anchor: 9/15 ms vector incl. embedding at 5,000 chunks). The first
   chunks are the real documents embedded by the model; the rest are *filler* chunks whose text mixes sentences of
   two real chunks and whose vector is the normalised sum of theirs plus noise (embedding 50,000 chunks for real
   would take ~8 minutes on 2 cores; ``--embed-all`` does it anyway).
4. **recall@5 / MRR / nDCG@5** for BM25, vector and hybrid on the gold questions (target: hybrid recall@5 >=
   max(BM25, vector)); needs ``datasets/gold`` and ``datasets/documents``, else synthetic documents are used for
   1-3 and this part is skipped.
5. **Resident memory** of a process embedding through the gateway client vs one loading the model
   (anchors: an idle kernel 51 MB; PyTorch + an embedding model 1.0-1.3 GB).

    .venv/bin/python bench/rag.py                 # full run (several minutes on 2 cores)
    .venv/bin/python bench/rag.py --chunks 5000   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "rag"))

from rag_corpus import GOLD_PATH, SampleDoc, datasets_missing, load_documents

from shiplab.rag.chunking import chunk_documents, retrieval_text
from shiplab.rag.embeddings import LocalMiniLM
from shiplab.rag.evaluate import evaluate_retrieval, load_gold
from shiplab.rag.retrieval import BM25Retriever, HybridRetriever, VectorRetriever
from shiplab.rag.store import collection_for, participant_dir, release, upsert_chunks

WORDS = ["claim", "policy", "excess", "windscreen", "household", "liability", "broker", "invoice", "premium", "fraud", "score", "threshold", "customer", "portal", "renewal", "deductible", "hail", "storm", "water", "damage", "pipe", "vehicle", "rental", "accident", "theft", "contents", "building", "payment", "reminder", "escalation", "handler", "approval", "review", "incident", "outage", "database", "backup", "restore", "runbook", "deployment", "certificate", "rotation", "queue", "latency", "timeout", "retry", "architecture", "decision", "consent", "deletion", "retention", "personal", "data", "processing", "supplier", "garage", "assessor", "report", "photo", "estimate", "settlement"]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def synthetic_docs(n: int, rng: random.Random) -> list[SampleDoc]:
    docs = []
    for i in range(n):
        parts = [f"# {sentence(rng, 4)[:-1]}"]
        for _ in range(rng.randint(2, 5)):
            parts.append(f"## {sentence(rng, 3)[:-1]}")
            parts.extend(" ".join(sentence(rng, rng.randint(8, 20)) for _ in range(rng.randint(2, 6)))
                         for _ in range(rng.randint(1, 3)))
        docs.append(SampleDoc(id=f"syn-{i:04d}", title=f"Synthetic {i}", text="\n\n".join(parts), classification="internal"))
    return docs


def row(label: str, value: str, anchor: str) -> None:
    print(f"  {label:<44} {value:>18}   {anchor}")


def bench_raw_speed(model: LocalMiniLM, rng: random.Random) -> None:
    texts = [sentence(rng, 40) for _ in range(1000)]
    model.embed_array(texts[:32])
    t0 = time.perf_counter()
    model.embed_array(texts)
    rate = len(texts) / (time.perf_counter() - t0)
    print("1. raw model (int8 ONNX, dynamic padding)")
    row("sentences/s, 1,000 x ~40 words", f"{rate:.0f}/s", f"anchor 114/s (STACK-FACTS, 2 cores, threads={model.threads})")


def bench_ingest(model: LocalMiniLM, docs: list[SampleDoc], root: Path):
    chunks = chunk_documents(docs, "heading", max_size=1000, overlap=100)
    texts = [retrieval_text(c) for c in chunks]  # exactly what the toolkit embeds
    model.embed_array(texts[:64])

    def raw_pass() -> float:
        t0 = time.perf_counter()
        model.embed_array(texts)
        return time.perf_counter() - t0

    first = raw_pass()  # raw, toolkit, raw: the faster raw pass is the yardstick (the machine is shared)
    t0 = time.perf_counter()
    chunks = chunk_documents(docs, "heading", max_size=1000, overlap=100)
    store = collection_for("bench", "ingest", root=root, embeddings=model)
    upsert_chunks(store, chunks)
    toolkit = time.perf_counter() - t0
    raw = min(first, raw_pass())
    print(f"2. ingest of {len(docs)} documents -> {len(chunks)} chunks (avg {sum(map(len, texts)) / len(texts):.0f} chars)")
    row("raw encoder on the chunk texts (best of 2)", f"{raw:.1f} s ({len(texts) / raw:.0f}/s)", "")
    row("toolkit: chunk + embed + upsert into chroma", f"{toolkit:.1f} s ({len(texts) / toolkit:.0f}/s)",
        f"ratio {toolkit / raw:.2f}x (target <= 1.25x)")
    return store, chunks


def bench_queries(model: LocalMiniLM, store, chunks, n_total: int, queries: list[str], embed_all: bool,
                  rng: random.Random) -> None:
    collection = store._collection
    have = collection.count()
    base = collection.get(ids=[c.id for c in chunks], include=["embeddings", "documents", "metadatas"])
    vecs = np.asarray(base["embeddings"], dtype=np.float32)
    sentences = [re.split(r"(?<=[.!?])\s+", t) for t in base["documents"]]
    filler_texts, filler_vecs = [], []
    t0 = time.perf_counter()
    for i in range(max(0, n_total - have)):
        a, b = rng.randrange(len(vecs)), rng.randrange(len(vecs))
        filler_texts.append(" ".join(rng.sample(sentences[a], min(2, len(sentences[a])))
                                     + rng.sample(sentences[b], min(2, len(sentences[b])))))
        if not embed_all:
            v = vecs[a] + vecs[b] + np.random.default_rng(i).normal(0, 0.02, vecs.shape[1]).astype(np.float32)
            filler_vecs.append(v / np.linalg.norm(v))
    if embed_all and filler_texts:
        filler_vecs = list(model.embed_array(filler_texts))
    ids = [f"filler-{i}" for i in range(len(filler_texts))]
    metas = [{"doc_id": f"filler-{i // 10}", "chunk_id": ids[i]} for i in range(len(ids))]
    step = 5000
    for s in range(0, len(ids), step):
        collection.upsert(ids=ids[s : s + step], documents=filler_texts[s : s + step],
                          embeddings=np.asarray(filler_vecs[s : s + step]), metadatas=metas[s : s + step])
    build = time.perf_counter() - t0
    from langchain_core.documents import Document

    all_docs = chunks + [Document(page_content=t, metadata=m, id=i) for t, m, i in zip(filler_texts, metas, ids)]
    t0 = time.perf_counter()
    bm25 = BM25Retriever(all_docs, k=5)
    bm25_build = time.perf_counter() - t0
    vector = VectorRetriever(store=store, k=5)
    hybrid = HybridRetriever(retrievers=[bm25, vector], k=5, fetch_k=20)
    qvecs = model.embed_array(queries)

    def lat(fn) -> tuple[float, float]:
        fn(0)
        times = []
        for i in range(len(queries)):
            t = time.perf_counter()
            fn(i)
            times.append((time.perf_counter() - t) * 1000)
        return pct(times, 0.5), pct(times, 0.95)

    print(f"3. queries at {collection.count():,} chunks ({len(queries)} queries; fillers added in {build:.0f} s, "
          f"BM25 index built in {bm25_build:.1f} s)")
    p = lat(lambda i: vector.invoke(queries[i]))
    row("vector, incl. query embedding p50/p95", f"{p[0]:.1f} / {p[1]:.1f} ms", "anchor 9 / 15 ms at 5,000 chunks")
    p = lat(lambda i: collection.query(query_embeddings=qvecs[i : i + 1], n_results=5))
    row("vector, search only p50/p95", f"{p[0]:.1f} / {p[1]:.1f} ms", "anchor 6 / 8 ms at 5,000 chunks")
    p = lat(lambda i: bm25.invoke(queries[i]))
    row("BM25 p50/p95", f"{p[0]:.1f} / {p[1]:.1f} ms", "")
    p = lat(lambda i: hybrid.invoke(queries[i]))
    row("hybrid (RRF of both, fetch_k=20) p50/p95", f"{p[0]:.1f} / {p[1]:.1f} ms", "")


def bench_recall(model: LocalMiniLM, docs: list[SampleDoc], root: Path) -> None:
    gold = load_gold(GOLD_PATH)
    chunks = chunk_documents(docs, "heading", max_size=1000, overlap=100)
    store = collection_for("bench", "quality", root=root, embeddings=model)
    upsert_chunks(store, chunks)
    bm25, vector = BM25Retriever(chunks, k=5), VectorRetriever(store=store, k=5)
    retrievers = {"BM25": bm25, "vector": vector,
                  "hybrid": HybridRetriever(retrievers=[bm25, vector], k=5, fetch_k=20)}
    reports = {name: evaluate_retrieval(r, gold, k=5) for name, r in retrievers.items()}
    best = max(reports["BM25"].recall, reports["vector"].recall)
    print(f"4. retrieval quality on {reports['hybrid'].questions} answerable gold questions ({len(chunks)} chunks)")
    for name, rep in reports.items():
        anchor = f"target >= {best:.3f} (max of BM25, vector)" if name == "hybrid" else ""
        row(name, f"recall@5 {rep.recall:.3f}", f"MRR {rep.mrr:.3f}  nDCG@5 {rep.ndcg:.3f}  {anchor}")
    for name, rep in reports.items():
        doc_level = evaluate_retrieval(retrievers[name], gold, k=5, match="doc")
        row(f"{name} (document-level hit)", f"recall@5 {doc_level.recall:.3f}", "")


class _Gateway(BaseHTTPRequestHandler):
    model: LocalMiniLM

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        data = [{"index": i, "embedding": v} for i, v in enumerate(self.model.embed_documents(body["input"]))]
        payload = json.dumps({"data": data}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


MEMORY_PROBE = """
import sys
from shiplab.rag.embeddings import LocalMiniLM, OpenAICompatEmbeddings
texts = ["claim handling guideline number %d for motor and household" % i for i in range(64)]
if sys.argv[1] == "gateway":
    OpenAICompatEmbeddings(base_url=sys.argv[2], token="bench").embed_documents(texts)
elif sys.argv[1] == "local":
    LocalMiniLM().embed_documents(texts)
try:
    import psutil
    print(psutil.Process().memory_info().rss // 1024)
except ImportError:
    print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:")))
"""


def bench_memory(model: LocalMiniLM) -> None:
    handler = type("Handler", (_Gateway,), {"model": model})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    env = {**os.environ, "SHIPLAB_GATEWAY_URL": ""}
    rss = {}
    for mode in ("import-only", "gateway", "local"):
        out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, mode, url], capture_output=True, text=True, env=env, check=False)
        rss[mode] = int(out.stdout.strip().splitlines()[-1]) / 1024 if out.returncode == 0 else float("nan")
    server.shutdown()
    print("5. resident memory of one process that embeds 64 texts")
    row("shiplab.rag imported, nothing embedded", f"{rss['import-only']:.0f} MB", "anchor: idle kernel 51 MB")
    row("embedding through the gateway client", f"{rss['gateway']:.0f} MB", "")
    row("loading the model in-process", f"{rss['local']:.0f} MB",
        f"+{rss['local'] - rss['gateway']:.0f} MB per participant; anchor PyTorch + model 1,000-1,300 MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=50_000, help="chunks in the store for the latency test")
    parser.add_argument("--queries", type=int, default=200, help="queries timed per retriever")
    parser.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads")
    parser.add_argument("--synthetic-docs", type=int, default=150, help="documents to generate when datasets/ is absent")
    parser.add_argument("--ingest-copies", type=int, default=5,
                        help="ingest the corpus this many times (as distinct documents) for a steadier ingest figure")
    parser.add_argument("--embed-all", action="store_true", help="embed filler chunks with the model (slow)")
    parser.add_argument("--skip", action="append", default=[], choices=["raw", "queries", "recall", "memory"])
    args = parser.parse_args()
    rng = random.Random(20240312)
    model = LocalMiniLM(threads=args.threads)
    missing = datasets_missing()
    docs = synthetic_docs(args.synthetic_docs, rng) if missing else load_documents()
    print(f"shiplab.rag bench — {os.cpu_count()} CPUs, onnxruntime threads={args.threads}, "
          f"corpus: {'synthetic (' + missing + ')' if missing else 'datasets/documents'}")
    root = Path(tempfile.mkdtemp(prefix="shiplab-rag-bench-"))
    try:
        if "raw" not in args.skip:
            bench_raw_speed(model, rng)
        copies = [SampleDoc(id=f"{d.id}~{r}", title=d.title, text=d.text, classification=d.classification)
                  for r in range(args.ingest_copies if not missing else 1) for d in docs]
        store, chunks = bench_ingest(model, copies, root)
        if "queries" not in args.skip:
            queries = ([q["question"] for q in load_gold(GOLD_PATH)] if not missing else
                       [sentence(rng, rng.randint(4, 10)) for _ in range(args.queries)])
            queries = (queries * (args.queries // max(1, len(queries)) + 1))[: args.queries]
            bench_queries(model, store, chunks, args.chunks, queries, args.embed_all, rng)
        release(participant_dir("bench", root))
        if "recall" not in args.skip:
            if missing:
                print(f"4. retrieval quality: skipped — {missing}")
            else:
                bench_recall(model, docs, root)
                release(participant_dir("bench", root))
        if "memory" not in args.skip:
            bench_memory(model)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
