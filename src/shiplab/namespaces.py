"""The few Linux calls that give a process namespaces of its own: for graded notebooks (``shiplab.grading.runner``)
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
