"""The few Linux calls that give a process namespaces of its own: for graded notebooks (``shiplab.grading.confine``)
and for participants' servers (``shiplab.hub.spawner``). Light on purpose: the hub imports it."""

from __future__ import annotations

import ctypes
import os
import re

CLONE_NEWNET = 0x40000000
CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
MS_NOATIME, MS_NODIRATIME, MS_RELATIME, MS_PRIVATE = 1024, 2048, 1 << 21, 1 << 18


def libc():
    return ctypes.CDLL(None, use_errno=True)


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = (lambda v: v.encode() if v is not None else None)
    if libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def kernel_at_least(major: int, minor: int) -> bool:
    found = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return bool(found) and (int(found.group(1)), int(found.group(2))) >= (major, minor)


def private_proc() -> None:
    """In this process (root): a mount namespace of its own, private, with a fresh /proc that shows other
    accounts' processes to nobody but root (a fresh proc instance has options of its own since Linux 5.8).
    Raises OSError when the kernel refuses."""
    if libc().unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS)")
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible")


TEMPORARY_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")


def private_temporary_folders(size: str = "1g", keep: tuple[str, ...] | list[str] = ()) -> None:
    """In a mount namespace of this process's own (after :func:`private_proc`): an empty tmpfs of at most ``size``
    on each of ``/tmp``, ``/var/tmp``, ``/dev/shm`` and ``/run/lock`` (sticky, writable by all, as on the host), so a participant's
    server neither lists nor reads what root or other accounts leave in the host's temporary folders, and leaves
    nothing there for them. Its pages count in the participant's memory limit (the writer's control group).

    ``keep``: folders the server needs (the nbgrader exchange, the installation) that may lie under one of those
    folders — a hub whose state is in ``/tmp``. Each is held open before the tmpfs covers it and bound back at the
    same path afterwards, with its own owner and modes; the folders leading to it in the tmpfs are root's, 0755."""
    held = []
    for path in keep:
        real = os.path.realpath(path)
        if os.path.isdir(real) and any(real.startswith(os.path.realpath(folder) + "/") for folder in TEMPORARY_FOLDERS):
            held.append((real, os.open(real, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)))
    try:
        for folder in TEMPORARY_FOLDERS:
            if os.path.isdir(folder):
                mount("tmpfs", folder, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},nr_inodes=100000,mode=1777")
        for real, fd in held:
            os.makedirs(real, mode=0o755, exist_ok=True)
            mount(f"/proc/self/fd/{fd}", real, None, MS_BIND | MS_REC)
    finally:
        for _, fd in held:
            os.close(fd)
