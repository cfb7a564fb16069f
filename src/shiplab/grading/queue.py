"""A durable grading queue: one SQLite file (WAL), one row per submission.

A job is keyed by ``(lab, student, submitted_at)``: filing the same submission twice is a no-op, so the watcher can
rescan the inbound folder as often as it likes. States::

    queued ──claim──> running ──finish──> done | failed
       │                 │
       └──> superseded <─┘   (a newer submission of the same lab by the same participant arrived)
    rejected                 (not written by the participant it names: never graded)

``running`` carries a **lease**: the worker's id and an expiry it renews with :meth:`Queue.heartbeat`. A job whose
lease ran out, or whose worker process on this host is gone, goes back to ``queued`` (:meth:`Queue.requeue_lost`),
so killing a worker never leaves a job "in progress" for ever. Finishing checks the lease (a worker that lost its
job may not overwrite the new owner's result), and a job that keeps killing its worker is failed after
``max_attempts`` with a reason instead of looping.

A folder not written by the participant it names is filed as ``rejected`` (:meth:`Queue.reject`): kept with its
reason for the status, never claimed, and left out of every "which is the latest" comparison, so it can neither
supersede nor be superseded.

Latest wins, as in nbgrader's ``collect --update``: a newer submission supersedes older *queued* and *done* ones;
an older one that arrives late is filed as superseded at once; a running older one finishes, but the worker asks
:meth:`Queue.is_latest` before writing its grade. Two jobs of the same participant and lab never run at once.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    lab TEXT NOT NULL, student TEXT NOT NULL, submitted_at TEXT NOT NULL, sort_key TEXT NOT NULL,
    source TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    worker TEXT, lease_until REAL,
    enqueued_at REAL NOT NULL, started_at REAL, finished_at REAL,
    score REAL, max_score REAL, reason TEXT, superseded_by INTEGER,
    UNIQUE (lab, student, submitted_at)
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, id);
CREATE INDEX IF NOT EXISTS jobs_who ON jobs (lab, student, sort_key);
"""
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class Job:
    id: int
    lab: str
    student: str
    submitted_at: str
    source: str
    state: str
    attempts: int
    enqueued_at: float
    sort_key: str = ""  # the receipt time (UTC, ISO)
    score: float | None = None
    max_score: float | None = None
    reason: str | None = None
    finished_at: float | None = None


def new_worker_id() -> str:
    """``host:pid:start`` — enough to tell whether the worker holding a lease on this host still lives."""
    return f"{socket.gethostname()}:{os.getpid()}:{int(time.time() * 1000)}"


def _worker_is_gone(worker: str) -> bool:
    host, pid, _ = (worker.split(":") + ["", "", ""])[:3]
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's worker: only its lease tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return f"{os.getpid()}" != pid and _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


class Queue:
    """The job queue of one course: ``Queue(path)``; every method is one short transaction."""

    def __init__(self, path: Path, max_attempts: int = 3):
        self.path = Path(path)
        self.max_attempts = max_attempts
        self._filed: set[str] | None = None  # source folders filed (read once, then kept by this process)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self._connect()
        try:
            db.executescript(SCHEMA)
        finally:
            db.close()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @contextmanager
    def _tx(self):
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    # ---- filing
    def is_filed(self, source: str) -> bool:
        """Was the folder ``source`` filed already (by anyone)? Read from the file once; then answered from memory
        for what this process filed, so the watcher's scan every second opens no write transaction."""
        if self._filed is None:
            db = self._connect()
            try:
                self._filed = {r["source"] for r in db.execute("SELECT source FROM jobs")}
            finally:
                db.close()
        return source in self._filed

    def _remember(self, source: str) -> None:
        if self._filed is not None:
            self._filed.add(source)

    def reject(self, lab: str, student: str, submitted_at: str, sort_key: str, source: str, reason: str) -> bool:
        """File a folder that is not ``student``'s own as rejected (never graded); False if filed before."""
        self._remember(source)
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO jobs (lab, student, submitted_at, sort_key, source, state, "
                             "enqueued_at, finished_at, reason) VALUES (?, ?, ?, ?, ?, 'rejected', ?, ?, ?)",
                             (lab, student, f"rejected {Path(source).name}", sort_key, source, time.time(),
                              time.time(), reason))
            return cur.rowcount == 1

    def enqueue(self, lab: str, student: str, submitted_at: str, sort_key: str, source: str) -> int | None:
        """File a submission; return its job id, or None if it was filed before. Supersedes older ones."""
        now = time.time()
        self._remember(source)
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO jobs (lab, student, submitted_at, sort_key, source, enqueued_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (lab, student, submitted_at, sort_key, source, now))
            if cur.rowcount == 0:
                return None
            job_id = cur.lastrowid
            newer = db.execute("SELECT id FROM jobs WHERE lab=? AND student=? AND sort_key>? "
                               "AND state NOT IN ('superseded', 'rejected') ORDER BY sort_key DESC LIMIT 1",
                               (lab, student, sort_key)).fetchone()
            if newer:
                db.execute("UPDATE jobs SET state='superseded', superseded_by=?, finished_at=?, "
                           "reason='a newer submission exists' WHERE id=?", (newer["id"], now, job_id))
            else:
                db.execute("UPDATE jobs SET state='superseded', superseded_by=?, finished_at=?, "
                           "reason='replaced by a newer submission' "
                           "WHERE lab=? AND student=? AND sort_key<? AND state IN ('queued', 'done', 'failed')",
                           (job_id, now, lab, student, sort_key))
            return job_id

    # ---- working
    def claim(self, worker: str, lease_seconds: float = 60.0, labs: list[str] | None = None) -> Job | None:
        """The oldest queued job nobody of the same participant and lab is running, now leased to ``worker``."""
        now = time.time()
        with self._tx() as db:
            lab_filter = f" AND j.lab IN ({','.join('?' * len(labs))})" if labs else ""
            row = db.execute(
                "SELECT * FROM jobs j WHERE j.state='queued'" + lab_filter +
                " AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.state='running' AND r.lab=j.lab AND r.student=j.student)"
                " ORDER BY j.id LIMIT 1", tuple(labs or ())).fetchone()
            if row is None:
                return None
            db.execute("UPDATE jobs SET state='running', worker=?, lease_until=?, started_at=?, attempts=attempts+1 "
                       "WHERE id=?", (worker, now + lease_seconds, now, row["id"]))
            return _job(db.execute("SELECT * FROM jobs WHERE id=?", (row["id"],)).fetchone())

    def heartbeat(self, job_id: int, worker: str, lease_seconds: float = 60.0) -> bool:
        """Extend the lease; False if the job is no longer this worker's (it must then drop the job)."""
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET lease_until=? WHERE id=? AND worker=? AND state='running'",
                             (time.time() + lease_seconds, job_id, worker))
            return cur.rowcount == 1

    def finish(self, job_id: int, worker: str, *, ok: bool, score: float | None = None,
               max_score: float | None = None, reason: str | None = None) -> bool:
        """Record the outcome; False (nothing written) if the lease was lost meanwhile."""
        with self._tx() as db:
            cur = db.execute("UPDATE jobs SET state=?, score=?, max_score=?, reason=?, finished_at=?, lease_until=NULL "
                             "WHERE id=? AND worker=? AND state='running'",
                             ("done" if ok else "failed", score, max_score, reason, time.time(), job_id, worker))
            return cur.rowcount == 1

    def supersede_running(self, job_id: int, worker: str) -> bool:
        """A running job found a newer submission of the same participant: close it without a grade."""
        with self._tx() as db:
            newer = db.execute("SELECT n.id FROM jobs n JOIN jobs j ON n.lab=j.lab AND n.student=j.student "
                               "WHERE j.id=? AND n.sort_key>j.sort_key AND n.state!='rejected' "
                               "ORDER BY n.sort_key DESC LIMIT 1",
                               (job_id,)).fetchone()
            cur = db.execute("UPDATE jobs SET state='superseded', superseded_by=?, finished_at=?, lease_until=NULL, "
                             "reason='replaced by a newer submission' WHERE id=? AND worker=? AND state='running'",
                             (newer["id"] if newer else None, time.time(), job_id, worker))
            return cur.rowcount == 1

    def is_latest(self, job_id: int) -> bool:
        with self._tx() as db:
            return db.execute("SELECT 1 FROM jobs n JOIN jobs j ON n.lab=j.lab AND n.student=j.student "
                              "WHERE j.id=? AND n.sort_key>j.sort_key AND n.state!='rejected'",
                              (job_id,)).fetchone() is None

    def requeue_lost(self) -> list[int]:
        """Running jobs whose lease expired or whose worker (on this host) died: back to queued, or failed after
        ``max_attempts`` tries (a submission that kills its worker every time must not loop for ever)."""
        now = time.time()
        lost = []
        with self._tx() as db:
            running = db.execute("SELECT id, worker, lease_until, attempts FROM jobs WHERE state='running'")
            for row in running.fetchall():
                if (row["lease_until"] or 0) < now or _worker_is_gone(row["worker"] or ""):
                    lost.append(row["id"])
                    if row["attempts"] >= self.max_attempts:
                        db.execute("UPDATE jobs SET state='failed', finished_at=?, lease_until=NULL, reason=? "
                                   "WHERE id=?", (now, f"gave up after {row['attempts']} attempts: the worker "
                                                       "stopped during each one", row["id"]))
                    else:
                        db.execute("UPDATE jobs SET state='queued', worker=NULL, lease_until=NULL WHERE id=?",
                                   (row["id"],))
        return lost

    def requeue_latest(self, lab: str) -> list[int]:
        """Re-grade: the latest submission of each participant in ``lab`` goes back to ``queued`` (unless it is
        queued or running already); returns the job ids."""
        with self._tx() as db:
            rows = db.execute("SELECT id FROM jobs j WHERE lab=? AND state IN ('done', 'failed') AND NOT EXISTS "
                              "(SELECT 1 FROM jobs n WHERE n.lab=j.lab AND n.student=j.student AND "
                              "n.sort_key>j.sort_key AND n.state!='rejected')", (lab,)).fetchall()
            ids = [r["id"] for r in rows]
            db.executemany("UPDATE jobs SET state='queued', attempts=0, worker=NULL, reason=NULL WHERE id=?",
                           [(i,) for i in ids])
            return ids

    # ---- reading
    def jobs(self, lab: str | None = None, states: tuple[str, ...] | None = None) -> list[Job]:
        sql, args = "SELECT * FROM jobs WHERE 1=1", []
        if lab:
            sql, args = sql + " AND lab=?", args + [lab]
        if states:
            sql, args = sql + f" AND state IN ({','.join('?' * len(states))})", args + list(states)
        db = self._connect()
        try:
            return [_job(r) for r in db.execute(sql + " ORDER BY id", args).fetchall()]
        finally:
            db.close()

    def counts(self, lab: str | None = None) -> dict[str, int]:
        out: dict[str, int] = {}
        for job in self.jobs(lab):
            out[job.state] = out.get(job.state, 0) + 1
        return out

    def pending(self, lab: str | None = None) -> int:
        return len(self.jobs(lab, ACTIVE))


def _job(row: sqlite3.Row) -> Job:
    return Job(id=row["id"], lab=row["lab"], student=row["student"], submitted_at=row["submitted_at"],
               source=row["source"], state=row["state"], attempts=row["attempts"], enqueued_at=row["enqueued_at"],
               sort_key=row["sort_key"],
               score=row["score"], max_score=row["max_score"], reason=row["reason"], finished_at=row["finished_at"])
