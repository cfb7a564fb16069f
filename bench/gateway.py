"""Model gateway throughput with 30 participants at once, against its anchors measured in the same run.

Starts the real gateway app (real ONNX embeddings, real llama.cpp chat, real policy and usage log) under uvicorn on
a free loopback port; only the hub token check is replaced by a table of 30 test tokens. Prints:

- embeddings: texts/s and request p50/p95 with N concurrent participants, next to one participant alone and to
  the raw model (no HTTP) on the same texts — batching across participants should keep the gateway close to raw;
- chat: completions/s and p50/p95 with N participants (fair queue), next to one request alone;
- chat when half give up: N participants send lab 1's "Summarize this ticket in one sentence" call at once (the
  gateway's default max_tokens), every second one giving up after ``--give-up`` seconds (10) as a notebook or an
  impatient person does. p95 of the ones who wait, next to its anchor measured in the same run: the same calls to a
  gateway whose queue keeps abandoned requests (how it was before they were dropped), and how many answers the
  model computed for nobody.

    .venv/bin/python bench/gateway.py             # 30 participants
    .venv/bin/python bench/gateway.py -n 10 --chat 1
    .venv/bin/python bench/gateway.py --only give-up
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from shiplab.gateway import policy
from shiplab.gateway.app import Backends, GatewayError, create_app
from shiplab.gateway.backends import CHAT_MODELS, LocalEmbedder, LocalLLM
from shiplab.gateway.queue import FairQueue
from shiplab.gateway.usage import Budget, UsageLog
from shiplab.settings import REPO_ROOT

TEXTS = [f"Customer reports hail damage to the roof of the house in district {i}; the adjuster visits on day {i % 7}."
         for i in range(64)]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server


async def participant(client, url, token, kind, rounds, latencies):
    for _ in range(rounds):
        t0 = time.perf_counter()
        if kind == "embeddings":
            r = await client.post(f"{url}/v1/embeddings", json={"input": TEXTS[:8]},
                                  headers={"Authorization": f"Bearer {token}"})
        else:
            r = await client.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {token}"},
                                  json={"messages": [{"role": "user", "content": "What is an excess?"}],
                                        "max_tokens": 16})
        r.raise_for_status()
        latencies.append(time.perf_counter() - t0)


async def run(url, tokens, kind, rounds):
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=600) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(participant(client, url, t, kind, rounds, latencies) for t in tokens))
        return time.perf_counter() - t0, latencies


class KeepsAbandoned(FairQueue):
    """The anchor: the queue as it was, running every request in its turn whether or not its client is still there."""

    async def run(self, user, fn, gone=None):
        return await super().run(user, fn, None)


class CountingLLM:
    """The real model, counting the answers it computed (to tell the ones nobody read)."""

    def __init__(self, llm):
        self.llm, self.model_name, self.answers = llm, llm.model_name, 0

    def complete(self, messages, **kwargs):
        out = self.llm.complete(messages, **kwargs)
        self.answers += out.get("finish_reason") != "cancelled"
        return out


def ticket_prompts(n: int) -> list[str]:
    from shiplab.data import load_sample_backlog

    items = load_sample_backlog("jira")
    return [f"Summarize this ticket in one sentence:\n{it.summary}\n{it.description[:800]}"
            for it in (items[i % len(items)] for i in range(n))]


async def give_up_round(url, tokens, prompts, give_up):
    """Everyone at once; odd-numbered participants give up after ``give_up`` s. Latencies of those who waited."""
    async def one(i, token, prompt):
        t0 = time.perf_counter()
        async with httpx.AsyncClient(timeout=give_up if i % 2 else 900) as client:
            try:
                r = await client.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {token}"},
                                      json={"messages": [{"role": "user", "content": prompt}]})
            except httpx.TimeoutException:
                return None
        r.raise_for_status()
        return time.perf_counter() - t0

    results = await asyncio.gather(*(one(i, t, p) for i, (t, p) in enumerate(zip(tokens, prompts))))
    waited = [x for i, x in enumerate(results) if i % 2 == 0 and x is not None]
    late = sum(1 for i, x in enumerate(results) if i % 2 and x is not None)  # answered before giving up
    return waited, late


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=30, help="participants at once (default 30)")
    ap.add_argument("--rounds", type=int, default=5, help="embedding requests per participant (8 texts each)")
    ap.add_argument("--chat", type=int, default=1, help="chat requests per participant (0: skip chat)")
    ap.add_argument("--chat-model", default="gemma-3-270m", choices=list(CHAT_MODELS),
                    help="local chat model (gateway.chat_model; default gemma-3-270m)")
    ap.add_argument("--give-up", type=float, default=10.0,
                    help="seconds after which half the participants give up (0: skip that part)")
    ap.add_argument("--only", choices=("embeddings", "chat", "give-up"), help="run one part only")
    ap.add_argument("--repeat", type=int, default=1,
                    help="give-up rounds per side, alternating which side goes first (2: A B B A), against load drift")
    args = ap.parse_args()
    tokens = {f"tok-{i}": f"p{i:03d}" for i in range(args.n)}

    def identify(request):
        user = tokens.get(request.headers.get("authorization", "").partition(" ")[2])
        if not user:
            raise GatewayError(401, "bad_token", "unknown token")
        return user

    embedder = LocalEmbedder()
    llm = LocalLLM.from_setting(args.chat_model, Path(tempfile.gettempdir()) / "shiplab-models") if args.chat \
        else None
    tmp = Path(tempfile.mkdtemp())
    app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp / "usage.sqlite"),
                     Backends(embedder=embedder, llm=llm), Budget(10**9, 10**6), identify)
    port = free_port()
    server = serve(app, port)
    url = f"http://127.0.0.1:{port}"
    try:
        if args.only in (None, "embeddings"):
            bench_embeddings(args, embedder, url, tokens)
        if llm and args.only in (None, "chat"):
            bench_chat(args, url, tokens)
        if llm and args.give_up and args.only in (None, "give-up"):
            bench_give_up(args, llm, identify, tokens)
    finally:
        server.should_exit = True


def bench_embeddings(args, embedder, url, tokens) -> None:
    embedder.embed(TEXTS[:8])  # warm up
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        embedder.embed(TEXTS[:8])
    raw = 8 * args.rounds / (time.perf_counter() - t0)
    solo_t, solo_lat = asyncio.run(run(url, ["tok-0"], "embeddings", args.rounds))
    many_t, many_lat = asyncio.run(run(url, list(tokens), "embeddings", args.rounds))
    total = 8 * args.rounds * args.n
    print(f"\nembeddings, {args.n} participants x {args.rounds} requests x 8 texts")
    print(f"  gateway, all at once : {total / many_t:7.1f} texts/s   p50 {statistics.median(many_lat) * 1000:6.0f} ms"
          f"   p95 {pct(many_lat, 0.95) * 1000:6.0f} ms")
    print(f"  anchor: one alone    : {8 * args.rounds / solo_t:7.1f} texts/s   p50 "
          f"{statistics.median(solo_lat) * 1000:6.0f} ms")
    print(f"  anchor: raw model    : {raw:7.1f} texts/s   (no HTTP, same texts, same process)")


def bench_chat(args, url, tokens) -> None:
    solo_t, solo_lat = asyncio.run(run(url, ["tok-0"], "chat", 1))
    many_t, many_lat = asyncio.run(run(url, list(tokens), "chat", args.chat))
    print(f"\nchat (16 tokens), {args.n} participants x {args.chat}")
    print(f"  gateway, all at once : {args.n * args.chat / many_t:5.2f} completions/s   "
          f"p50 {statistics.median(many_lat):5.1f} s   p95 {pct(many_lat, 0.95):5.1f} s")
    print(f"  anchor: one alone    : {1 / solo_t:5.2f} completions/s   latency {solo_lat[0]:5.2f} s")


def bench_give_up(args, llm, identify, tokens) -> None:
    """The same calls against a gateway that drops abandoned requests and one that keeps them, in this run."""
    prompts = ticket_prompts(args.n)
    rows = []
    sides = [("gateway (drops them)", FairQueue), ("anchor: keeps them", KeepsAbandoned)]
    order = [side for r in range(args.repeat) for side in (sides if r % 2 == 0 else sides[::-1])]
    for name, make_queue in order:
        queue = make_queue()
        counting = CountingLLM(llm)
        tmp = Path(tempfile.mkdtemp())
        app = create_app(policy.load(REPO_ROOT / "hub_config" / "governance.yaml"), UsageLog(tmp / "usage.sqlite"),
                         Backends(llm=counting), Budget(10**9, 10**6), identify, queue=queue)
        port = free_port()
        server = serve(app, port)
        try:
            t0 = time.perf_counter()
            waited, late = asyncio.run(give_up_round(f"http://127.0.0.1:{port}", list(tokens), prompts,
                                                     args.give_up))
            # the kept requests still run after their clients left: wait for the model to be idle again
            while queue.snapshot()["waiting"] or queue.snapshot()["running"]:
                time.sleep(0.2)
            rows.append((name, waited, late, counting.answers, time.perf_counter() - t0))
        finally:
            server.should_exit = True
    gave_up = args.n // 2
    print(f"\nchat, lab 1's ticket summary (default max_tokens), {args.n} participants at once, {gave_up} of them "
          f"give up after {args.give_up:.0f} s")
    for name, waited, late, answers, busy_for in rows:  # in the order run
        print(f"  {name:22}: p95 of the {len(waited)} who wait {pct(waited, 0.95):6.1f} s   p50 "
              f"{statistics.median(waited):6.1f} s   answers computed {answers:2d} ({answers - len(waited) - late:2d} "
              f"for nobody)   model busy {busy_for:5.1f} s ({busy_for / max(1, answers):4.1f} s an answer; p95 = "
              f"{pct(waited, 0.95) / (busy_for / max(1, answers)):4.1f} answers' time)")
    print("  (p95 in answers' time divides out the machine's load, which changes from one side to the next)")


if __name__ == "__main__":
    main()
