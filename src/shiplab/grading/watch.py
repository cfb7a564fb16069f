"""Notice submissions in the exchange and file them as jobs.

A participant's ``Submit`` (nbgrader's exchange) writes a folder ``<exchange>/<course>/inbound/<student>+<lab>+
<timestamp>+<random>/``: the notebook(s) first, then ``timestamp.txt``, then ``submission_secret.txt``. A folder is
*complete* once the secret is there; an incomplete one is left for the next scan, and one still incomplete after
:data:`INCOMPLETE_AFTER_S` is logged once (a Submit that did not finish is never graded). Scanning is polling (a listing of
one folder every second costs nothing next to grading; inotify would save a second of latency at the price of
another dependency) and filing is idempotent, so a restart simply rescans everything.

Nothing in the folder's name is trusted beyond what it claims to be:

- **who**: on a hub with an account per participant, the folder must belong to the account of the participant it
  names (``owner_of``); one that does not is filed as *rejected* with the reason, never graded, and never
  supersedes the participant's real submissions;
- **when**: the order of submissions (which one is the latest) and the time recorded for grading come from the
  folder's change time as the kernel keeps it (capped at the worker's clock), not from the timestamp in the name,
  which a participant can write at will — a name dated next year no longer supersedes anything.
"""

from __future__ import annotations

import logging
import os
import re
import stat
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from nbgrader.utils import parse_utc

from shiplab.grading.queue import Queue

log = logging.getLogger("shiplab.grading.watch")
READY_MARKER = "submission_secret.txt"
INCOMPLETE_AFTER_S = 600  # a folder still without its marker this long after it was made is told in the log, once
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")  # hub user names and lab ids; never '.', '..' or '/'


@dataclass(frozen=True)
class Submission:
    student: str
    lab: str
    timestamp: str  # as the folder's name says (shown, never used for ordering)
    sort_key: str  # the receipt time in UTC, ISO format: sorts in time order
    path: Path
    rejected: str | None = None  # why it is not the named participant's submission


def parse_inbound_name(name: str) -> tuple[str, str, str] | None:
    """``student+lab+timestamp+random`` (or without the random part) -> (student, lab, timestamp); None if not."""
    parts = name.split("+")
    if len(parts) not in (3, 4) or not all(parts[:3]):
        return None
    if not NAME_RE.match(parts[0]) or not NAME_RE.match(parts[1]):
        return None
    return parts[0], parts[1], parts[2]


def received_at(st: os.stat_result, now: float | None = None) -> str:
    """The receipt time of a folder: its change time (set by the kernel, never by its owner), at most ``now``."""
    return datetime.fromtimestamp(min(st.st_ctime, now or time.time()), timezone.utc).isoformat()


def scan_inbound(inbound: Path, labs: list[str] | None = None,
                 owner_of: Callable[[str], int | None] | None = None) -> list[Submission]:
    """Every complete submission folder in ``inbound`` (optionally only of ``labs``), oldest first; those not
    written by the participant they name come with ``rejected`` set."""
    found = []
    try:
        entries = list(os.scandir(inbound))
    except FileNotFoundError:
        return []
    for entry in entries:
        if not _is_text(entry.name):
            _warn_once(entry.name, "its name is not UTF-8 text: left where it is, never graded")
            continue
        parsed = parse_inbound_name(entry.name)
        if parsed is None:
            continue
        student, lab, stamp = parsed
        if labs and lab not in labs:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISDIR(st.st_mode):
                continue  # a link or a file
            if not os.path.isfile(os.path.join(entry.path, READY_MARKER)):
                if time.time() - st.st_ctime > INCOMPLETE_AFTER_S:  # else: still being written
                    _warn_once(entry.name, f"has no {READY_MARKER} after {INCOMPLETE_AFTER_S // 60} minutes: the "
                                           "Submit that wrote it did not finish, so it is never graded (the "
                                           "participant should submit again)")
                continue
        except OSError:
            continue
        try:
            parse_utc(stamp)
        except (ValueError, OverflowError):
            log.warning("ignoring %s: %r is not a timestamp", entry.name, stamp)
            continue
        expected = owner_of(student) if owner_of is not None else None
        rejected = None
        if owner_of is not None and expected is None:
            rejected = f"{student!r} is not a participant of this hub"
        elif expected is not None and st.st_uid != expected:
            from shiplab.grading.intake import owner_problem

            rejected = owner_problem(Path(entry.path), expected) or "it is not the participant's"
        found.append(Submission(student, lab, stamp, received_at(st), Path(entry.path), rejected))
    return sorted(found, key=lambda s: s.sort_key)


def file_new_submissions(queue: Queue, inbound: Path, labs: list[str] | None = None,
                         owner_of: Callable[[str], int | None] | None = None) -> list[int]:
    """Enqueue what is new in ``inbound``; return the new job ids (already filed ones are skipped without
    touching the queue's file). Forged folders are filed as rejected, with the reason, and logged."""
    new = []
    for sub in scan_inbound(inbound, labs, owner_of):
        if queue.is_filed(str(sub.path)):
            continue
        try:
            job_id = _file_one(queue, sub)
        except Exception as exc:  # noqa: BLE001 -- one strange folder must never stop the filing of the others
            _warn_once(sub.path.name, f"could not be filed: {type(exc).__name__}: {exc}")
            continue
        if job_id is not None:
            new.append(job_id)
    return new


_WARNED: set[str] = set()


def _warn_once(name: str, why: str) -> None:
    if name not in _WARNED and len(_WARNED) < 10_000:
        _WARNED.add(name)
        log.warning("inbound folder %r %s", name, why)


def _is_text(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.scandir gives undecodable bytes as surrogates
        return False
    return True


def _file_one(queue: Queue, sub: Submission) -> int | None:
    if sub.rejected:
        if queue.reject(sub.lab, sub.student, sub.timestamp, sub.sort_key, str(sub.path),
                        f"not graded: filed as {sub.student!r} but {sub.rejected}"):
            log.warning("rejected %s: filed as %r but %s", sub.path.name, sub.student, sub.rejected)
        return None
    job_id = queue.enqueue(sub.lab, sub.student, sub.timestamp, sub.sort_key, str(sub.path))
    if job_id is not None:
        log.info("filed %s's submission of %s (%s) as job %d", sub.student, sub.lab, sub.timestamp, job_id)
    return job_id
