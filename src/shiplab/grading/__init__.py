"""The grading engine: submissions graded as they arrive, in parallel, with participant code fenced off.

nbgrader's own ``autograde`` grades one submission after another (nbgrader#174), only when an instructor runs it,
and runs participant code with the grader's rights (its FAQ: "not directly" protected). This room keeps nbgrader's
preprocessors and gradebook and changes the three things around them:

``watch``      notices new folders in the exchange's ``inbound/`` and files them as jobs;
``queue``      a durable SQLite job queue (one row per lab, participant and submission time; leases, so a killed
               worker's jobs go back to the queue; a resubmission supersedes an older one);
``sandbox``    runs *only the execution step* in a subprocess as an unprivileged per-slot account, in a fresh
               folder, without network, under memory/CPU/process/file-size limits and time limits
               (``confine`` builds the walls, standard library only; ``runner`` is the code on the far side of them;
               ``forkserver`` forks each run's processes ready, ``processes`` stops whatever a run left);
``engine``     the trusted steps around it — nbgrader's ``Autograde`` converter with its ``Execute`` step replaced
               by the sandbox, then feedback generated and released to the exchange;
``worker``     N executions at once, one gradebook writer at a time, crash-safe; ``cli`` its commands.

Nothing here is imported by a notebook. The sandbox side runs nothing a participant could have placed before its
walls stand: ``confine`` imports only the standard library, and the runner's nbclient and nbgrader were imported by
the fork server, from the trusted installation, before any run.
"""

from __future__ import annotations

import os

from shiplab.errors import ShiplabError


def default_parallel() -> int:
    """Notebooks graded at once unless told otherwise: two per CPU core. Part of a kernel's start is waiting
    (ZeroMQ handshakes, nbclient's polling), so one per core leaves the cores idle part of the time.
    ``bench/grading.py`` with 30 submissions landing at once on 2 cores: p95 latency 14.2 s with 2 at once, 11.4 s
    with 3, 9.9 s with 4."""
    return 2 * (os.cpu_count() or 1)


class GradingError(ShiplabError):
    """The grading engine cannot do what was asked; the message says what and how to fix it."""
