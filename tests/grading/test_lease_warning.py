"""Does the worker warn "lease lost" only when a job really was taken from it? A job it has just recorded stays
in flight until the next reap; a heartbeat then found it no longer running and warned, after every burst."""

from __future__ import annotations

import logging
import threading
import time
from types import SimpleNamespace

from shiplab.grading.engine import Outcome
from shiplab.grading.queue import Queue
from shiplab.grading.worker import Worker

LOST = "lease lost"


class SlowToReport(Queue):
    """Records a job, then takes a while before its thread ends (as logging and counting may)."""

    def finish(self, *args, **kwargs) -> bool:
        done = super().finish(*args, **kwargs)
        time.sleep(0.6)  # several heartbeats (every lease/3 = 0.1 s) while the finished job is still in flight
        return done


def _worker(tmp_path, queue) -> Worker:
    engine = SimpleNamespace(root=tmp_path, grade_and_release=lambda *a: Outcome(ok=True, score=1.0, max_score=1.0))
    return Worker(engine, queue, parallel=2, lease_seconds=0.3, poll=0.05)


def test_a_job_just_recorded_is_not_reported_lost(tmp_path, caplog):
    """With two jobs recorded slowly, does the worker grade both and log no "lease lost"?"""
    queue = SlowToReport(tmp_path / "queue.db")
    for student in ("ada", "bo"):
        queue.enqueue("mini", student, "2026-12-03 10:00:00", "1", str(tmp_path / student))
    with caplog.at_level(logging.WARNING, logger="shiplab.grading.worker"):
        summary = _worker(tmp_path, queue).run(until_idle=True)
    assert summary.graded == 2
    assert LOST not in caplog.text


def test_a_job_taken_by_another_worker_is_reported_lost(tmp_path, caplog):
    """When another worker takes a job over mid-grading, does the heartbeat still say so?"""
    queue = Queue(tmp_path / "queue.db")
    queue.enqueue("mini", "ada", "2026-12-03 10:00:00", "1", str(tmp_path / "ada"))
    taken = threading.Event()

    def grade(*args):
        with queue._tx() as db:  # what a worker that found the lease expired does: the job is its own now
            db.execute("UPDATE jobs SET worker='other' WHERE state='running'")
        taken.set()
        time.sleep(0.5)
        return Outcome(ok=True, score=1.0, max_score=1.0)

    worker = _worker(tmp_path, queue)
    worker.engine.grade_and_release = grade
    with caplog.at_level(logging.WARNING, logger="shiplab.grading.worker"):
        worker.run(until_idle=True)
    assert taken.is_set()
    assert LOST in caplog.text
