"""What one participant may know about their own submissions: read-only, from the grading queue.

The participant's *Assignments* tab (:mod:`shiplab.labext`) shows, per lab, the state of their latest submission —
``queued`` with how many submissions are ahead of it, ``running`` (being graded), ``done`` with the score, or
``failed`` with the reason — and nothing of anyone else's: :func:`own_submissions` filters by student in SQL and
returns only the *count* of jobs ahead, never whose they are. The queue file is opened ``mode=ro``, so this can
never write a job (the worker is the queue's one writer).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

# what each queue state means to a participant (the worker's words are for instructors)
SHOWN = {"queued": "queued", "running": "grading", "done": "graded", "failed": "failed", "rejected": "rejected"}


def own_submissions(queue_db: Path, student: str) -> dict[str, dict]:
    """``lab -> {state, ahead, score, max_score, submitted_at, finished_at, reason}`` for ``student``'s latest
    submission of each lab (superseded ones are left out, and so are rejected ones: another account filed them
    under this name, so showing them would let one participant write into another's tab). ``ahead``: queued jobs that the worker will claim before
    this one (it claims the oldest first), for a queued job; 0 otherwise. An absent queue means nothing submitted."""
    if not Path(queue_db).exists():
        return {}
    db = sqlite3.connect(f"file:{queue_db}?mode=ro", uri=True, timeout=10)
    db.row_factory = sqlite3.Row
    try:
        rows = db.execute(
            "SELECT j.id, j.lab, j.state, j.score, j.max_score, j.sort_key, j.finished_at, j.reason, "
            "(SELECT COUNT(*) FROM jobs a WHERE a.state='queued' AND a.id < j.id) AS ahead "
            # rejected jobs were filed under this name by another account (shiplab.grading.watch): not theirs
            "FROM jobs j WHERE j.student=? AND j.state NOT IN ('superseded', 'rejected') ORDER BY j.sort_key, j.id",
            (student,)).fetchall()
    finally:
        db.close()
    out: dict[str, dict] = {}
    for row in rows:  # in submission order: the last one of a lab wins
        state = SHOWN.get(row["state"], row["state"])
        out[row["lab"]] = {
            "state": state, "ahead": row["ahead"] if row["state"] == "queued" else 0,
            "score": row["score"], "max_score": row["max_score"], "submitted_at": row["sort_key"],
            "finished_at": row["finished_at"],
            # a failed or rejected job's reason tells the participant what to do; a graded one's notes are the
            # feedback's business
            "reason": row["reason"] if row["state"] in ("failed", "rejected") else None,
        }
    return out


def queue_path(state: Path, course: str) -> Path:
    """Where the worker keeps the queue of ``course`` (see :func:`shiplab.grading.cli.setup`)."""
    from shiplab.grading.cli import QUEUE_FILE

    return Path(state) / "grading" / course / QUEUE_FILE
