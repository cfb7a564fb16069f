"""Model gateway throughput with 30 participants at once, against its anchors measured in the same run.

Starts the real gateway app (real ONNX embeddings, real llama.cpp chat, real policy and usage log) under uvicorn on
a free loopback port; only the hub token check is replaced by a table of 30 test tokens. Prints:

- embeddings: texts/s and request p50/p95 with N concurrent participants, next to one participant alone and to
  the raw model (no HTTP) on the same texts — batching across participants should keep the gateway close to raw;
- chat: completions/s and p50/p95 with N participants (fair queue), next to one request alone.

    .venv/bin/python bench/gateway.py             # 30 participants
    .venv/bin/python bench/gateway.py -n 10 --chat 1
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=30, help="participants at once (default 30)")
    ap.add_argument("--rounds", type=int, default=5, help="embedding requests per participant (8 texts each)")
    ap.add_argument("--chat", type=int, default=1, help="chat requests per participant (0: skip chat)")
    ap.add_argument("--chat-model", default="gemma-3-270m", choices=list(CHAT_MODELS),
                    help="local chat model (gateway.chat_model; default gemma-3-270m)")
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
        if llm:
            solo_t, solo_lat = asyncio.run(run(url, ["tok-0"], "chat", 1))
            many_t, many_lat = asyncio.run(run(url, list(tokens), "chat", args.chat))
            print(f"\nchat (16 tokens), {args.n} participants x {args.chat}")
            print(f"  gateway, all at once : {args.n * args.chat / many_t:5.2f} completions/s   "
                  f"p50 {statistics.median(many_lat):5.1f} s   p95 {pct(many_lat, 0.95):5.1f} s")
            print(f"  anchor: one alone    : {1 / solo_t:5.2f} completions/s   latency {solo_lat[0]:5.2f} s")
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main()
