"""The sandbox's walls: what a graded notebook's processes do to themselves before they run anything of a participant's.

Both processes the fork server starts for one run — the runner (:mod:`shiplab.grading.runner`) and the kernel waiting
to become the participant's (:mod:`shiplab.grading.kernel`) — and the judge's (:mod:`shiplab.grading.judge`) go
through :func:`enter_sandbox`, in this order, while still privileged:

1. a new network namespace (only a loopback that is down: every connection fails), a new mount and IPC namespace in
   which every file system is read-only but the run's own folder, with private empty ``/tmp``, ``/var/tmp``,
   ``/dev/shm`` and ``/run/lock`` and a ``/proc`` that shows only the account's own processes (so nothing a notebook
   writes outlives the run or reaches anyone else: the hidden tests cannot be left in a shared folder for the
   participant to read), the resource limits (address space, CPU seconds, processes, file size, no core dumps), then
   drop to the sandbox account (``setgroups([])``, ``setgid``, ``setuid``), forbid regaining privileges
   (``PR_SET_NO_NEW_PRIVS``) and make the process undumpable (the runner; its kernel stays dumpable), so the kernel
   (same account) can neither attach to the runner nor open its result pipe through ``/proc``;
2. a clean environment, the fresh working folder as cwd and home, fds 0/1/2 on /dev/null and a log file: the kernel
   inherits those, never the result pipe (it is not inheritable).

This module imports only the standard library and :mod:`shiplab.namespaces`: nothing here may run code a
participant could have placed on the path.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource

from shiplab.namespaces import (  # noqa: F401 -- the flags are this module's vocabulary
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    MS_BIND,
    MS_NOATIME,
    MS_NODEV,
    MS_NODIRATIME,
    MS_NOEXEC,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_RELATIME,
    MS_REMOUNT,
)
from shiplab.namespaces import kernel_at_least as _kernel_at_least
from shiplab.namespaces import libc as _libc
from shiplab.namespaces import mount as _mount

_MOUNT_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
                "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME}
# folders every account may write to, each replaced by an empty one of the run's own (size limit)
PRIVATE_DIRS = {"/tmp": "256m", "/var/tmp": "64m", "/dev/shm": "64m", "/run/lock": "1m"}
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
EXIT_SETUP_FAILED = 70
EXIT_EXECUTE_FAILED = 71


def isolate_network() -> None:
    """Move this process (and every child it will have) into a new, empty network namespace."""
    if _libc().unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET) failed")


def _mount_points() -> list[tuple[str, int]]:
    """(mount point, flags to keep) of this namespace, parents first (``/proc/self/mountinfo``)."""
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        for line in fh:
            fields = line.split()
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            flags = 0
            for option in fields[5].split(","):
                flags |= _MOUNT_FLAGS.get(option, 0)
            points.append((point, flags))
    return sorted(points, key=lambda p: p[0].count("/") if p[0] != "/" else 0)


def isolate_filesystem(workdir: str, hidden: list[str] | tuple[str, ...] = ()) -> None:
    """A mount and IPC namespace of this process (and every child): everything read-only but ``workdir``, the
    shared writable folders (:data:`PRIVATE_DIRS`) empty and private, ``/proc`` showing this account's processes.

    Mounts made here never reach the host (the whole tree is made private first)."""
    if _libc().unshare(CLONE_NEWNS | CLONE_NEWIPC) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS | CLONE_NEWIPC) failed")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    keep = os.open(workdir, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for point, flags in _mount_points():
            try:
                _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
            except OSError:
                if point == "/":
                    raise
        for folder, size in PRIVATE_DIRS.items():
            if os.path.isdir(folder) and not os.path.islink(folder):
                _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},nr_inodes=20000,mode=1777")
        # folders other accounts write to (participants' homes, the exchange): read-only is not enough there, a
        # socket or FIFO a participant leaves in one would still take what the notebook sends — so they are gone
        for folder in hidden:
            if os.path.isdir(folder) and not os.path.islink(folder):
                _mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k,mode=0555")
        if not os.path.isdir(workdir):  # it was under one of those folders: its path again, in the new one
            os.makedirs(os.path.dirname(workdir), mode=0o711, exist_ok=True)
            os.mkdir(workdir, 0o700)
        _mount(f"/proc/self/fd/{keep}", workdir, None, MS_BIND)
        _mount(None, workdir, None, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV)  # the one writable place
    finally:
        os.close(keep)
    if _kernel_at_least(5, 8):  # before 5.8 proc's options were shared by every mount: never touch the host's
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible")


def apply_limits(spec: dict) -> None:
    """Resource limits, set before dropping privileges (an unprivileged process can only lower them)."""
    limits = {
        resource.RLIMIT_AS: spec.get("memory_bytes"),
        resource.RLIMIT_NPROC: spec.get("max_processes"),
        resource.RLIMIT_FSIZE: spec.get("max_file_bytes"),
        resource.RLIMIT_CORE: 0,
    }
    for which, value in limits.items():
        if value is not None:
            resource.setrlimit(which, (value, value))
    cpu = spec.get("cpu_seconds")
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))  # soft: SIGXCPU; hard: SIGKILL


def drop_privileges(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    try:
        os.setuid(0)
    except PermissionError:
        return
    raise RuntimeError("still able to become root after dropping privileges")  # pragma: no cover


def harden_process(dumpable: bool = False) -> None:
    libc = _libc()
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    # setuid() cleared the flag; an exec'd kernel would have it back: the kernel is dumpable (its runner, same
    # account, sees it in its hidepid /proc), the runner is not (the kernel can neither see nor read it)
    libc.prctl(PR_SET_DUMPABLE, 1 if dumpable else 0, 0, 0, 0)


def enter_workdir(spec: dict) -> None:
    """cwd and HOME are the fresh working folder; the environment is the one the trusted side chose."""
    os.chdir(spec["workdir"])
    os.environ.clear()
    os.environ.update(spec["env"])
    devnull = os.open(os.devnull, os.O_RDONLY)
    # appended to, not truncated: the runner and its kernel process both write here
    log = os.open(os.path.join(spec["workdir"], ".runner.log"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    for fd, target in ((0, devnull), (1, log), (2, log)):
        os.dup2(target, fd)
    os.close(devnull)
    os.close(log)


def enter_sandbox(spec: dict, dumpable: bool = False) -> None:
    """Steps 1 and 2 above, in that order (``dumpable`` for the kernel process)."""
    if spec.get("isolate_network"):
        isolate_network()
    if spec.get("isolate_filesystem"):
        isolate_filesystem(spec["workdir"], spec.get("hidden", ()))
    apply_limits(spec)
    if spec.get("uid") is not None:
        drop_privileges(spec["uid"], spec["gid"])
    harden_process(dumpable)
    enter_workdir(spec)
