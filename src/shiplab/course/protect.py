"""Keep the instructors' sources out of participants' reach on a shared machine.

Participants' servers run as their own Unix accounts on the hub's machine and must read the repository's ``.venv``
and ``datasets/``; but ``labs/`` holds the instructor's notebooks (solutions, hidden tests) and their sources
(``<lab>.pct.py``), ``graders/<lab>/`` the wrong-answer sets, ``tests/`` solutions in test fixtures, and ``.git`` all
of it in history.
Checked out by root with the usual umask, all of that is world-readable. :func:`protect_sources` (run at every hub
start as root in unix-users mode) makes those folders readable by root and the grader account only — the grader
builds and releases the labs — and leaves the rest as it is. Nothing is moved or deleted; it can run any number of
times.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger("shiplab.course.protect")


def private_paths(repo_root: Path) -> list[Path]:
    """The folders whose contents participants must not read."""
    graders = repo_root / "graders"
    lab_graders = sorted(p for p in graders.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))) \
        if graders.is_dir() else []
    return [p for p in (repo_root / "labs", *lab_graders, repo_root / "tests", repo_root / ".git") if p.exists()]


def protect_sources(repo_root: Path, grader_gid: int) -> list[Path]:
    """Make :func:`private_paths` root's, group ``grader_gid``, no access for others; return what was protected."""
    done = []
    for top in private_paths(repo_root):
        for path in (top, *top.rglob("*")):
            if path.is_symlink():
                continue
            st = path.lstat()
            os.chown(path, 0, grader_gid, follow_symlinks=False)
            mode = stat.S_IMODE(st.st_mode) & ~0o027  # the group (the grader) may read, never write; others nothing
            mode |= 0o040 | (0o010 if stat.S_ISDIR(st.st_mode) else 0)
            os.chmod(path, mode)
        done.append(top)
    # the repository itself must stay traversable: participants' servers run its .venv
    root_mode = stat.S_IMODE(repo_root.stat().st_mode)
    if root_mode & 0o001 == 0:
        os.chmod(repo_root, root_mode | 0o005)
    log.info("instructor sources readable by root and the grader only: %s", ", ".join(str(p) for p in done))
    return done
