"""The grading worker: N sandboxed executions at once, one gradebook writer, nothing lost when it is killed.

One loop, in one process:

- every ``poll`` seconds: file new submissions from the exchange (:mod:`.watch`), and put back the jobs of dead
  workers (:meth:`Queue.requeue_lost`);
- while fewer than ``parallel`` jobs are in flight: claim the next job (a lease) and hand it to a thread, which
  collects, grades (the execution in the sandbox, the rest under the engine's writer lock), releases feedback and
  records the outcome — only if its lease is still its own;
- a heartbeat renews the leases of jobs in flight.

Crash safety comes from the order of effects: the gradebook write, the feedback release and the queue's ``done``
are each idempotent for one submission, and ``done`` is written last. A worker killed anywhere before it leaves a
``running`` job whose worker is gone; the next worker puts it back and grades it again, overwriting the same
gradebook rows and the same feedback file. So every submission ends graded once, whatever the kill.

A submission that breaks grading — not JSON, a kernel that dies, a loop, a hostile cell — is recorded as graded
(0 where nothing could run) with the reason; any other exception is logged and the job failed, and the loop goes on.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from shiplab.grading import default_parallel
from shiplab.grading.engine import Engine, Outcome
from shiplab.grading.queue import Job, Queue, new_worker_id
from shiplab.grading.watch import file_new_submissions

log = logging.getLogger("shiplab.grading.worker")


@dataclass
class Summary:
    graded: int = 0
    failed: int = 0
    superseded: int = 0
    seconds: float = 0.0
    outcomes: dict[int, Outcome] = field(default_factory=dict)


class Worker:
    """Grades the queue of one course. ``inbound``: the exchange folder to watch (None: only what is queued)."""

    def __init__(self, engine: Engine, queue: Queue, parallel: int | None = None, inbound: Path | None = None,
                 labs: list[str] | None = None, lease_seconds: float = 60.0, poll: float = 1.0,
                 on_outcome: Callable[[Job, Outcome | None], None] | None = None):
        self.engine, self.queue = engine, queue
        self.parallel = max(1, parallel or default_parallel())
        self.inbound, self.labs = inbound, labs
        self.lease, self.poll = lease_seconds, poll
        self.on_outcome = on_outcome or (lambda job, outcome: None)
        self.id = new_worker_id()
        self.in_flight: dict[int, Future] = {}
        self._closing: set[int] = set()  # jobs this worker is recording: a heartbeat that misses them lost nothing
        self.summary = Summary()
        self._lock = threading.Lock()

    def run(self, stop: threading.Event | None = None, until_idle: bool = False) -> Summary:
        """Work until ``stop`` is set, or (``until_idle``) until nothing is queued or running."""
        stop = stop or threading.Event()
        started = time.monotonic()
        before = os.getcwd()
        os.chdir(self.engine.root)  # nbgrader's converters chdir to the course and back: keep every thread there
        beat = threading.Thread(target=self._heartbeat, args=(stop,), daemon=True, name="grading-heartbeat")
        beat.start()
        next_scan = 0.0
        try:
            with ThreadPoolExecutor(self.parallel, thread_name_prefix="grading") as pool:
                while not stop.is_set():
                    if time.monotonic() >= next_scan:
                        self._scan()
                        next_scan = time.monotonic() + self.poll
                    claimed = self._fill(pool)
                    self._reap()
                    if until_idle and not self.in_flight and not self.queue.pending(_one(self.labs)):
                        break
                    if not claimed:
                        stop.wait(min(0.05 if self.in_flight else self.poll, self.poll))
                for future in list(self.in_flight.values()):
                    future.result()
                self._reap()
        finally:
            stop.set()
            os.chdir(before)
        self.summary.seconds = time.monotonic() - started
        return self.summary

    def _scan(self) -> None:
        try:
            self._scan_once()
        except Exception:  # noqa: BLE001 -- logged; the next scan tries again, jobs in flight go on
            log.exception("scanning for submissions failed")

    def _scan_once(self) -> None:
        lost = self.queue.requeue_lost()
        if lost:
            log.warning("put back %d job(s) of a worker that stopped: %s", len(lost), lost)
        if self.inbound is not None:
            file_new_submissions(self.queue, self.inbound, self.labs, self.engine.owner_of)

    def _fill(self, pool: ThreadPoolExecutor) -> bool:
        claimed = False
        while len(self.in_flight) < self.parallel:
            job = self.queue.claim(self.id, self.lease, self.labs)
            if job is None:
                break
            claimed = True
            self.in_flight[job.id] = pool.submit(self._grade, job)
        return claimed

    def _reap(self) -> None:
        for job_id in [j for j, f in self.in_flight.items() if f.done()]:
            self.in_flight.pop(job_id).result()
            self._closing.discard(job_id)

    def _heartbeat(self, stop: threading.Event) -> None:
        while not stop.wait(self.lease / 3):
            for job_id in list(self.in_flight):
                if job_id in self._closing or self.queue.heartbeat(job_id, self.id, self.lease):
                    continue
                if job_id not in self._closing:  # recorded while we asked: done, not lost
                    log.warning("job %d is no longer this worker's (lease lost); its result will not be recorded",
                                job_id)

    def _grade(self, job: Job) -> None:
        """One job, start to end; never raises (a bug in one job must not stop the others)."""
        try:
            if not self.queue.is_latest(job.id):
                self._closing.add(job.id)
                self.queue.supersede_running(job.id, self.id)
                self._count("superseded", job, None)
                return
            outcome = self.engine.grade_and_release(job.lab, job.student, Path(job.source), job.sort_key or None)
            reason = "; ".join(x for x in [outcome.reason, *outcome.notes] if x) or None
            self._closing.add(job.id)
            if not self.queue.finish(job.id, self.id, ok=outcome.ok, score=outcome.score,
                                     max_score=outcome.max_score, reason=reason):
                log.warning("job %d finished after its lease was lost; the new owner records it", job.id)
                return
            if reason:
                log.warning("%s/%s graded %s/%s: %s", job.student, job.lab, outcome.score, outcome.max_score, reason)
            self._count("graded" if outcome.ok else "failed", job, outcome)
        except Exception as exc:  # noqa: BLE001 -- logged with its traceback; the job fails, the worker goes on
            log.exception("grading job %d (%s/%s) failed", job.id, job.student, job.lab)
            self._closing.add(job.id)
            self.queue.finish(job.id, self.id, ok=False, reason=f"internal error: {type(exc).__name__}: {exc}")
            self._count("failed", job, None)

    def _count(self, what: str, job: Job, outcome: Outcome | None) -> None:
        with self._lock:
            setattr(self.summary, what, getattr(self.summary, what) + 1)
            if outcome is not None:
                self.summary.outcomes[job.id] = outcome
        self.on_outcome(job, outcome)


def _one(labs: list[str] | None) -> str | None:
    return labs[0] if labs and len(labs) == 1 else None
