"""The one local chat model's queue: fair across participants, honest about the wait, and rid of the abandoned.

One job runs at a time (llama.cpp on the hub's cores), taken round-robin across participants, so one busy
participant cannot starve the rest. Three things make a full room bearable:

- **A request whose client went away is dropped.** A notebook gives up after its timeout (two minutes); before,
  its job still ran when its turn came and kept the model busy for nobody — a 10-token call waited 94 s behind
  the abandoned ones. :meth:`FairQueue.run` polls ``gone()`` (Starlette's ``request.is_disconnected()``, which
  sees uvicorn's ``http.disconnect``; through the hub, configurable-http-proxy closes the upstream request when
  the browser's or kernel's connection closes) while the job waits: a waiting job leaves the queue at once, a
  running one is told to stop (its ``threading.Event`` is set; :class:`shiplab.gateway.backends.LocalLLM` checks
  it between tokens).
- **The expected wait is known before the request waits.** :meth:`FairQueue.ahead` counts the jobs a new one of
  a participant would wait for (the running job, their own queued ones, and from every other participant as many
  as the round-robin serves before it); :meth:`FairQueue.expected_wait` multiplies by the measured mean time of a
  job (an exponential moving average, starting from :data:`PRIOR_JOB_SECONDS`). A request that could not be
  answered within the time its client waits (``X-Shiplab-Max-Wait``, at most the gateway's own limit) is answered
  at once with :class:`Busy` — 503, the position and the expected wait, and ``Retry-After`` — instead of timing
  out at the client.
- :meth:`FairQueue.snapshot` says how things stand (waiting, running, dropped, mean job time) for ``/health``.
"""

from __future__ import annotations

import asyncio
import collections
import math
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

PRIOR_JOB_SECONDS = 3.0  # a chat job of the 270M model on two cores before any was measured (bench/gateway.py)
POLL_SECONDS = 0.25  # how often a waiting request asks whether its client is still there
_SMOOTHING = 0.3  # weight of the newest job in the moving average


class ClientGone(Exception):
    """The client closed its connection while its job waited or ran; nobody is left to answer."""


class Busy(Exception):
    """The queue is too long for the time the client waits: how many jobs are ahead and how long they take."""

    def __init__(self, ahead: int, expected_wait: float, max_wait: float):
        self.ahead, self.expected_wait, self.max_wait = ahead, expected_wait, max_wait
        retry = max(1, math.ceil(expected_wait - max_wait + PRIOR_JOB_SECONDS))
        self.retry_after = retry
        super().__init__(f"the local model is busy: {ahead} request{'s are' if ahead != 1 else ' is'} ahead of "
                         f"yours, so an answer would take about {expected_wait:.0f} s, longer than the "
                         f"{max_wait:.0f} s this request waits. Try again in about {retry} s; every participant "
                         "gets their turn in order.")


@dataclass(eq=False)
class Job:
    user: str
    fn: Callable[[threading.Event], Any]
    fut: asyncio.Future
    cancel: threading.Event = field(default_factory=threading.Event)
    started: float | None = None


class FairQueue:
    """One job at a time, round-robin across participants; abandoned jobs are dropped (see the module)."""

    def __init__(self, prior_seconds: float = PRIOR_JOB_SECONDS, clock: Callable[[], float] = time.monotonic):
        self._queues: dict[str, collections.deque[Job]] = collections.OrderedDict()
        self._worker: asyncio.Task | None = None
        self._running: Job | None = None
        self.mean_seconds = prior_seconds
        self.dropped = 0  # jobs whose client went away: left the queue, or stopped while running
        self.served = 0
        self.clock = clock

    def ahead(self, user: str) -> int:
        """How many jobs a new job of ``user`` would wait for (an estimate where a round is under way)."""
        own = len(self._queues.get(user, ()))
        others = sum(min(len(q), own + 1) for u, q in self._queues.items() if u != user)
        return own + others + (1 if self._running is not None else 0)

    def expected_wait(self, ahead: int) -> float:
        """Seconds until a job with ``ahead`` jobs before it is answered (its own run included)."""
        left_of_running = 0.0
        if self._running is not None and self._running.started is not None:
            left_of_running = max(0.0, self.mean_seconds - (self.clock() - self._running.started)) - self.mean_seconds
        return max(0.0, (ahead + 1) * self.mean_seconds + left_of_running)

    def snapshot(self) -> dict:
        return {"waiting": sum(len(q) for q in self._queues.values()), "running": self._running is not None,
                "dropped": self.dropped, "served": self.served, "mean_job_seconds": round(self.mean_seconds, 2)}

    def admit(self, user: str, max_wait: float) -> int:
        """The number of jobs ahead of a new job of ``user``; :class:`Busy` when it cannot be answered within
        ``max_wait`` seconds."""
        ahead = self.ahead(user)
        wait = self.expected_wait(ahead)
        if ahead and wait > max_wait:
            raise Busy(ahead, wait, max_wait)
        return ahead

    async def run(self, user: str, fn: Callable[[threading.Event], Any],
                  gone: Callable[[], Awaitable[bool]] | None = None) -> Any:
        """``fn(cancel)`` in its turn, in a thread; :class:`ClientGone` as soon as ``gone()`` says the client left
        (the job leaves the queue, or ``cancel`` is set while it runs)."""
        job = Job(user, fn, asyncio.get_running_loop().create_future())
        self._queues.setdefault(user, collections.deque()).append(job)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._loop())
        while True:
            done, _ = await asyncio.wait({job.fut}, timeout=POLL_SECONDS)
            if done:
                return job.fut.result()
            if gone is not None and await gone():
                self._drop(job)
                raise ClientGone()

    def _drop(self, job: Job) -> None:
        self.dropped += 1
        job.cancel.set()
        q = self._queues.get(job.user)
        if q is not None and job in q:
            q.remove(job)
        if not job.fut.done():
            job.fut.cancel()

    async def _loop(self) -> None:
        while any(self._queues.values()):
            for user in list(self._queues):
                q = self._queues.get(user)
                if not q:
                    self._queues.pop(user, None)
                    continue
                job = q.popleft()
                if job.cancel.is_set():
                    continue
                self._running, job.started = job, self.clock()
                try:
                    result = await asyncio.to_thread(job.fn, job.cancel)
                except Exception as exc:  # handed to the waiting request
                    if not job.fut.done():
                        job.fut.set_exception(exc)
                else:
                    if not job.cancel.is_set():
                        took = self.clock() - job.started
                        self.mean_seconds += _SMOOTHING * (took - self.mean_seconds)
                        self.served += 1
                    if not job.fut.done():
                        job.fut.set_result(result)
                finally:
                    self._running = None
