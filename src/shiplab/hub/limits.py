"""What one participant's server may use on a shared machine: memory and tasks for all their processes together.

Each participant's server starts in a control group of its own (``shiplab/<account>``), with a memory limit
(``spawner.mem_limit``: what all their kernels, terminals and the server use together; past it the kernel's OOM
killer ends one of *their* processes, never the hub's) and a task limit (``spawner.max_tasks``: processes and
threads, so a fork loop stops there). Both cgroup v2 (the unified hierarchy, as Debian 12 mounts it) and v1 (a
``memory`` and a ``pids`` hierarchy, as some containers have) are handled; where neither can be written (not root,
a container without them), nothing is limited and :func:`available` says so once in the hub's log.

The hub's process makes the group (:func:`prepare`); the spawned child, still root, moves itself in
(:func:`enter`) before it drops to the participant's account, so everything it starts stays inside.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

log = logging.getLogger("shiplab.limits")
ROOT = Path("/sys/fs/cgroup")
GROUP = "shiplab"
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_bytes(text: str) -> int:
    """``"4G"`` -> 4294967296 (K, M, G, T: powers of 1024); a plain number is bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*([KMGT]?)B?\s*", str(text).upper())
    if not m:
        raise ValueError(f"{text!r} is not a size such as 512M or 4G")
    return int(m.group(1)) * _UNITS[m.group(2)]


def _v2() -> bool:
    return (ROOT / "cgroup.controllers").is_file()


def folders(account: str) -> list[Path]:
    """The group's folders: one in the unified hierarchy, or one per v1 controller (memory, pids)."""
    if _v2():
        return [ROOT / GROUP / account]
    return [ROOT / "memory" / GROUP / account, ROOT / "pids" / GROUP / account]


def available() -> bool:
    """Can this process (root) make limited groups here?"""
    if os.geteuid() != 0:
        return False
    if _v2():
        controllers = (ROOT / "cgroup.controllers").read_text().split()
        return {"memory", "pids"} <= set(controllers) and os.access(ROOT, os.W_OK)
    return all((ROOT / c).is_dir() and os.access(ROOT / c, os.W_OK) for c in ("memory", "pids"))


def prepare(account: str, mem_bytes: int | None, max_tasks: int | None) -> list[Path]:
    """Make (or update) the participant's group with its limits (None: not limited); the folders whose
    ``cgroup.procs`` the child joins. Raises OSError when the kernel refuses."""
    tasks = "max" if not max_tasks else str(max_tasks)
    if _v2():
        parent = ROOT / GROUP
        parent.mkdir(exist_ok=True)
        (ROOT / "cgroup.subtree_control").write_text("+memory +pids")
        (parent / "cgroup.subtree_control").write_text("+memory +pids")
        group = parent / account
        group.mkdir(exist_ok=True)
        (group / "memory.max").write_text(str(mem_bytes) if mem_bytes else "max")
        if (group / "memory.swap.max").exists():
            (group / "memory.swap.max").write_text("0")
        (group / "pids.max").write_text(tasks)
        return [group]
    memory, pids = folders(account)
    memory.mkdir(parents=True, exist_ok=True)
    pids.mkdir(parents=True, exist_ok=True)
    (memory / "memory.limit_in_bytes").write_text(str(mem_bytes) if mem_bytes else "-1")
    (pids / "pids.max").write_text(tasks)
    return [memory, pids]


def enter(groups: list[Path]) -> None:
    """Move this process into ``groups`` (in the spawned child, as root, before it drops its rights)."""
    pid = str(os.getpid())
    for group in groups:
        with open(group / "cgroup.procs", "w") as fh:
            fh.write(pid)
