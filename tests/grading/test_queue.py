"""The grading queue and the inbound watcher, without kernels."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from shiplab.grading.queue import Queue
from shiplab.grading.watch import file_new_submissions, parse_inbound_name, scan_inbound


@pytest.fixture
def q(tmp_path) -> Queue:
    return Queue(tmp_path / "queue.db")


def add(q: Queue, student: str, ts: str, lab: str = "lab1"):
    return q.enqueue(lab, student, ts, ts, f"/inbound/{student}+{lab}+{ts}")


def test_filing_twice_makes_one_job(q):
    """Is the same submission (lab, participant, timestamp) filed only once, however often it is seen?"""
    first = add(q, "ann", "2024-01-01T10:00:00")
    assert first is not None
    assert add(q, "ann", "2024-01-01T10:00:00") is None
    assert [j.id for j in q.jobs()] == [first]


def test_queue_is_sqlite_in_wal_mode(q):
    """Does the queue keep its own SQLite file in WAL mode (readers never block the worker)?"""
    import sqlite3

    assert sqlite3.connect(q.path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_submission_supersedes_queued_and_graded(q):
    """Does a resubmission supersede the participant's queued and graded earlier ones, and only theirs?"""
    old = add(q, "ann", "2024-01-01T10:00:00")
    graded = q.claim("w1")
    assert graded.id == old and q.finish(old, "w1", ok=True, score=1, max_score=4)
    queued = add(q, "ann", "2024-01-01T10:05:00")
    bob = add(q, "bob", "2024-01-01T10:01:00")
    newest = add(q, "ann", "2024-01-01T10:09:00")
    states = {j.id: j.state for j in q.jobs()}
    assert states == {old: "superseded", queued: "superseded", bob: "queued", newest: "queued"}


def test_late_arriving_older_submission_is_superseded_at_once(q):
    """Is an older submission noticed after a newer one filed as superseded, never graded?"""
    newer = add(q, "ann", "2024-01-01T10:09:00")
    older = add(q, "ann", "2024-01-01T10:00:00")
    states = {j.id: j.state for j in q.jobs()}
    assert states == {newer: "queued", older: "superseded"}
    assert q.claim("w1").id == newer and q.claim("w1") is None


def test_a_participant_never_has_two_jobs_running(q):
    """Is a second job of the same participant and lab held back while the first runs?"""
    first = add(q, "ann", "2024-01-01T10:00:00")
    assert q.claim("w1").id == first
    second = add(q, "ann", "2024-01-01T10:05:00")  # supersedes nothing running, waits
    bob = add(q, "bob", "2024-01-01T10:01:00")
    assert q.claim("w1").id == bob
    assert q.claim("w1") is None
    assert not q.is_latest(first)
    assert q.supersede_running(first, "w1")
    assert q.claim("w1").id == second


def test_expired_lease_goes_back_to_the_queue(q):
    """Is a running job whose lease ran out put back, and can the old worker no longer finish it?"""
    job = add(q, "ann", "2024-01-01T10:00:00")
    q.claim("otherhost:1:1", lease_seconds=0.01)
    time.sleep(0.05)
    assert q.requeue_lost() == [job]
    assert q.claim("w2").id == job
    assert not q.finish(job, "otherhost:1:1", ok=True, score=4, max_score=4)
    assert q.finish(job, "w2", ok=True, score=3, max_score=4)
    assert q.jobs()[0].score == 3 and q.jobs()[0].attempts == 2


def test_job_of_a_dead_worker_is_put_back_before_its_lease_ends(q):
    """Is the job of a worker process that died on this host put back at once, not after the lease?"""
    import socket

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    job = add(q, "ann", "2024-01-01T10:00:00")
    q.claim(f"{socket.gethostname()}:{dead.pid}:0", lease_seconds=3600)
    alive = add(q, "bob", "2024-01-01T10:00:00")
    q.claim(f"{socket.gethostname()}:{os.getpid()}:0", lease_seconds=3600)
    assert q.requeue_lost() == [job]
    assert {j.id: j.state for j in q.jobs()} == {job: "queued", alive: "running"}


def test_a_job_that_keeps_killing_workers_fails_with_a_reason(q):
    """Does a submission that stops every worker grading it end failed after max_attempts, not loop for ever?"""
    add(q, "ann", "2024-01-01T10:00:00")
    for _ in range(q.max_attempts):
        q.claim("gone:1:1", lease_seconds=0)
        time.sleep(0.01)
        q.requeue_lost()
    [j] = q.jobs()
    assert j.state == "failed" and "gave up after 3 attempts" in j.reason


def test_regrade_puts_back_only_the_latest(q):
    """Does a re-grade queue each participant's latest submission again, and nothing superseded?"""
    old = add(q, "ann", "2024-01-01T10:00:00")
    new = add(q, "ann", "2024-01-01T10:05:00")
    assert q.claim("w").id == new and q.finish(new, "w", ok=True, score=4, max_score=4)
    assert q.requeue_latest("lab1") == [new]
    assert {j.id: j.state for j in q.jobs()} == {old: "superseded", new: "queued"}


def test_inbound_names_are_parsed_like_nbgrader_writes_them():
    """Are exchange folder names split into participant, lab and timestamp, and strangers ignored?"""
    assert parse_inbound_name("ann+lab1+2024-01-01 10:00:00.000001 UTC+abc123") == (
        "ann", "lab1", "2024-01-01 10:00:00.000001 UTC")
    assert parse_inbound_name("ann+lab1+2024-01-01 10:00:00 UTC") == ("ann", "lab1", "2024-01-01 10:00:00 UTC")
    assert parse_inbound_name("notes.txt") is None
    assert parse_inbound_name("ann++2024") is None


def test_watcher_files_only_complete_submissions(tmp_path, q):
    """Is a folder still being written (no submission secret yet) left for the next scan, and then filed once?"""
    inbound = tmp_path / "inbound"
    done = inbound / "ann+lab1+2024-01-01 10:00:00.000001 UTC+aa"
    busy = inbound / "bob+lab1+2024-01-01 10:00:01.000001 UTC+bb"
    other_lab = inbound / "cy+lab2+2024-01-01 10:00:02.000001 UTC+cc"
    for folder in (done, busy, other_lab):
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("x")
    for folder in (done, other_lab):
        (folder / "submission_secret.txt").write_text("s")
    (inbound / "junk+lab1+not a time+dd").mkdir()
    (inbound / "junk+lab1+not a time+dd" / "submission_secret.txt").write_text("s")
    assert [s.student for s in scan_inbound(inbound, ["lab1"])] == ["ann"]
    assert len(file_new_submissions(q, inbound, ["lab1"])) == 1
    (busy / "submission_secret.txt").write_text("s")
    assert len(file_new_submissions(q, inbound, ["lab1"])) == 1
    assert file_new_submissions(q, inbound, ["lab1"]) == []
    assert sorted(j.student for j in q.jobs()) == ["ann", "bob"]


def test_a_submit_that_never_finished_is_told_in_the_log_once(tmp_path, q, monkeypatch, caplog):
    """Is a folder without its submission secret quiet while it may still be being written, and once it has been
    incomplete longer than the grace period, told in the log once (never graded) instead of ignored silently?"""
    import logging

    from shiplab.grading import watch

    inbound = tmp_path / "inbound"
    stuck = inbound / f"dee+lab1+2024-01-01 10:00:00.000001 UTC+{tmp_path.name[-8:]}"
    stuck.mkdir(parents=True)
    (stuck / "timestamp.txt").write_text("x")
    with caplog.at_level(logging.WARNING, logger="shiplab.grading.watch"):
        assert scan_inbound(inbound) == []
        assert "never graded" not in caplog.text  # just made: still being written
        monkeypatch.setattr(watch, "INCOMPLETE_AFTER_S", -1)
        assert scan_inbound(inbound) == [] and scan_inbound(inbound) == []
    lines = [r.getMessage() for r in caplog.records if stuck.name in r.getMessage()]
    assert len(lines) == 1 and "has no submission_secret.txt" in lines[0] and "submit again" in lines[0], lines
    assert file_new_submissions(q, inbound) == [] and q.jobs() == []
