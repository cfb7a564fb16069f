"""Fair queueing and batching in front of the models."""

import asyncio
import threading
import time

from shiplab.gateway.app import EmbeddingBatcher
from shiplab.gateway.queue import FairQueue


def test_one_busy_participant_cannot_starve_another():
    """With 10 jobs queued by anna, does ben's single job run second, not eleventh?"""
    order = []

    async def main():
        q = FairQueue()

        def job(name):
            def run(cancel):  # the queue hands each job the event set when its client goes away
                time.sleep(0.01)
                order.append(name)
            return run

        tasks = [asyncio.create_task(q.run("anna", job("anna"))) for _ in range(10)]
        await asyncio.sleep(0)
        tasks.append(asyncio.create_task(q.run("ben", job("ben"))))
        await asyncio.gather(*tasks)

    asyncio.run(main())
    assert order.index("ben") <= 2, order


def test_concurrent_embedding_requests_share_one_model_call():
    """Do requests arriving together get embedded in one call, each receiving its own vectors?"""
    calls = []
    lock = threading.Lock()

    def embed(texts):
        with lock:
            calls.append(list(texts))
        return [[float(len(t))] for t in texts]

    async def main():
        b = EmbeddingBatcher(embed, window=0.02)
        return await asyncio.gather(b(["a"]), b(["bb", "ccc"]), b(["dddd"]))

    results = asyncio.run(main())
    assert results == [[[1.0]], [[2.0], [3.0]], [[4.0]]]
    assert len(calls) == 1


def test_requests_arriving_during_an_embedding_are_not_stranded():
    """Does a request that arrives while a batch is being embedded still get its vectors (no stall)?"""
    def slow_embed(texts):
        time.sleep(0.2)
        return [[1.0] for _ in texts]

    async def main():
        b = EmbeddingBatcher(slow_embed, window=0.01)
        first = asyncio.create_task(b(["a"]))
        await asyncio.sleep(0.05)  # the first batch is now inside slow_embed
        second = await asyncio.wait_for(b(["b"]), timeout=5)
        return await first, second

    assert asyncio.run(main()) == ([[1.0]], [[1.0]])
