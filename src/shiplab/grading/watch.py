"""Notice submissions in the exchange and file them as jobs.

A participant's ``Submit`` (nbgrader's exchange) writes a folder ``<exchange>/<course>/inbound/<student>+<lab>+
<timestamp>+<random>/``: the notebook(s) first, then ``timestamp.txt``, then ``submission_secret.txt``. A folder is
*complete* once the secret is there; an incomplete one is left for the next scan. Scanning is polling (a listing of
one folder every second costs nothing next to grading; inotify would save a second of latency at the price of
another dependency) and filing is idempotent, so a restart simply rescans everything.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from nbgrader.utils import parse_utc

from shiplab.grading.queue import Queue

log = logging.getLogger("shiplab.grading.watch")
READY_MARKER = "submission_secret.txt"


@dataclass(frozen=True)
class Submission:
    student: str
    lab: str
    timestamp: str
    sort_key: str  # the timestamp in UTC, ISO format: sorts in time order
    path: Path


def parse_inbound_name(name: str) -> tuple[str, str, str] | None:
    """``student+lab+timestamp+random`` (or without the random part) -> (student, lab, timestamp); None if not."""
    parts = name.split("+")
    if len(parts) not in (3, 4) or not all(parts[:3]):
        return None
    return parts[0], parts[1], parts[2]


def scan_inbound(inbound: Path, labs: list[str] | None = None) -> list[Submission]:
    """Every complete submission folder in ``inbound`` (optionally only of ``labs``), oldest first."""
    found = []
    try:
        entries = list(inbound.iterdir())
    except FileNotFoundError:
        return []
    for entry in entries:
        parsed = parse_inbound_name(entry.name)
        if parsed is None or entry.is_symlink() or not entry.is_dir():
            continue
        student, lab, stamp = parsed
        if labs and lab not in labs:
            continue
        if not (entry / READY_MARKER).is_file():
            continue  # still being written
        try:
            sort_key = parse_utc(stamp).isoformat()
        except (ValueError, OverflowError):
            log.warning("ignoring %s: %r is not a timestamp", entry.name, stamp)
            continue
        found.append(Submission(student, lab, stamp, sort_key, entry))
    return sorted(found, key=lambda s: s.sort_key)


def file_new_submissions(queue: Queue, inbound: Path, labs: list[str] | None = None) -> list[int]:
    """Enqueue what is new in ``inbound``; return the new job ids (already filed ones are skipped)."""
    new = []
    for sub in scan_inbound(inbound, labs):
        job_id = queue.enqueue(sub.lab, sub.student, sub.timestamp, sub.sort_key, str(sub.path))
        if job_id is not None:
            log.info("filed %s's submission of %s (%s) as job %d", sub.student, sub.lab, sub.timestamp, job_id)
            new.append(job_id)
    return new
