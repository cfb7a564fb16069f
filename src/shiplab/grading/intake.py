"""Taking a submission in: read a participant's folder as root without ever trusting a name in it.

The inbound folder of the exchange is written by participants, and the worker reads it as root. Two rules make
that safe, whatever a participant does to the folder while the worker reads it (swapping files and symbolic links
with ``renameat2(RENAME_EXCHANGE)`` in a loop, hard links, FIFOs, devices):

- **Nothing is opened by a path.** Each folder is opened relative to its parent's descriptor with ``O_NOFOLLOW |
  O_DIRECTORY``, each file with ``O_NOFOLLOW | O_NONBLOCK``, and what was opened is checked on the descriptor
  (``fstat``): a regular file or a folder, owned by the participant's account. What is copied is the content of
  that descriptor, so a swap between the check and the read changes nothing: a link is never followed, a file of
  another account is never read.
- **Ownership is the identity.** A submission folder filed under ``chloe`` must belong to chloe's account (on a hub
  with Unix accounts); one that does not is not graded (:func:`owner_problem`). Inside it, files of any other
  account are left out and named. Sizes and counts are bounded.

When the worker is not root (developer mode, every server runs as one account) there is no other account to tell
apart: ``expected_uid`` is None and only the no-follow rules apply.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

MAX_SUBMISSION_BYTES = 50 << 20  # the whole folder
MAX_SUBMISSION_FILES = 2000
MAX_DEPTH = 16
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)


class ForgedSubmission(Exception):
    """The submission folder is not the named participant's (or is not a folder at all)."""


@dataclass
class Copied:
    files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "name: why"
    bytes: int = 0


def owner_problem(folder: Path, expected_uid: int | None) -> str | None:
    """Why ``folder`` (an entry of the inbound folder) is not a submission of the account ``expected_uid``; None
    when it is. Looks at the entry itself (``lstat``), never through a link."""
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return "it is gone"
    if stat.S_ISLNK(st.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return "it is not a folder"
    if expected_uid is not None and st.st_uid != expected_uid:
        return f"it belongs to {_account(st.st_uid)}, not to {_account(expected_uid)}"
    return None


def copy_submission(src: Path, dest: Path, expected_uid: int | None, *, max_bytes: int = MAX_SUBMISSION_BYTES,
                    max_files: int = MAX_SUBMISSION_FILES) -> Copied:
    """Copy the folder ``src`` to ``dest`` (created fresh, by the worker): regular files of ``expected_uid`` only.

    Raises :class:`ForgedSubmission` when ``src`` itself is a link, not a folder, or another account's."""
    try:
        top = os.open(src, _DIR_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise ForgedSubmission(f"{src.name} is not a folder (a link or a file)") from None
        raise
    try:
        st = os.fstat(top)
        if expected_uid is not None and st.st_uid != expected_uid:
            raise ForgedSubmission(f"{src.name} belongs to {_account(st.st_uid)}, not to {_account(expected_uid)}")
        if dest.exists() or dest.is_symlink():
            _remove(dest)
        dest.mkdir(parents=True)
        out = Copied()
        _copy_dir(top, dest, Path(), expected_uid, out, max_bytes, max_files, 0)
        return out
    finally:
        os.close(top)


def _copy_dir(dir_fd: int, dest: Path, rel: Path, uid: int | None, out: Copied, max_bytes: int, max_files: int,
              depth: int) -> None:
    with os.scandir(dir_fd) as entries:
        names = sorted(e.name for e in entries)
    for name in names:
        where = rel / name
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes (surrogates): never a name the course keeps
            shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            out.skipped.append(f"{rel / shown}: its name is not UTF-8 text, not collected")
            continue
        if len(out.files) >= max_files:
            out.skipped.append(f"{_shown(where)}: more than {max_files} files in the submission, not collected")
            continue
        try:
            fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
        except OSError as exc:
            out.skipped.append(f"{_shown(where)}: {_why_not(exc)}, not collected")
            continue
        try:
            st = os.fstat(fd)
            if uid is not None and st.st_uid != uid:
                out.skipped.append(f"{_shown(where)}: belongs to {_account(st.st_uid)}, not the participant, "
                                   "not collected")
            elif stat.S_ISDIR(st.st_mode):
                if depth >= MAX_DEPTH:
                    out.skipped.append(f"{_shown(where)}: folders nested deeper than {MAX_DEPTH}, not collected")
                    continue
                (dest / where).mkdir(exist_ok=True)
                _copy_dir(fd, dest, where, uid, out, max_bytes, max_files, depth + 1)
            elif not stat.S_ISREG(st.st_mode):
                out.skipped.append(f"{_shown(where)}: not a plain file, not collected")
            elif st.st_nlink != 1:
                out.skipped.append(f"{_shown(where)}: a hard link (it has {st.st_nlink} names), not collected")
            elif out.bytes + st.st_size > max_bytes:
                out.skipped.append(f"{_shown(where)}: over the size limit of {max_bytes >> 20} MB, not collected")
            else:
                out.bytes += _copy_fd(fd, dest / where, max_bytes - out.bytes)
                out.files.append(str(where))
        finally:
            os.close(fd)


def _copy_fd(fd: int, target: Path, budget: int) -> int:
    """The content of ``fd`` (at most ``budget`` bytes: a file still growing is cut there) into a new ``target``."""
    os.set_blocking(fd, True)
    written = 0
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        while written < budget:
            chunk = os.read(fd, min(1 << 20, budget - written))
            if not chunk:
                break
            os.write(out, chunk)
            written += len(chunk)
    finally:
        os.close(out)
    return written


def _shown(path: Path) -> str:
    """A participant's file name as it may appear in a reason or a log line: no control characters."""
    return re.sub(r"[\x00-\x1f\x7f]", "?", str(path))


def _why_not(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "not readable"
    return os.strerror(exc.errno or 0).lower()


def _remove(path: Path) -> None:
    import shutil

    if path.is_symlink() or not path.is_dir():
        path.unlink()
    else:
        shutil.rmtree(path)


def _account(uid: int) -> str:
    import pwd

    try:
        return f"account {pwd.getpwuid(uid).pw_name!r}"
    except KeyError:
        return f"uid {uid}"
