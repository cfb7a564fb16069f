"""Walking a documents folder and reading its files without ever leaving it.

A participant's ``~/documents`` is theirs to fill, and an instructor may import it as root to prepare a shared
corpus: a link ``shadow.md -> /etc/shadow`` must not bring a root-only file into the corpus (as an *internal*
document, which the governance policy lets reach external providers). So:

- **Links are resolved and contained.** A link whose target lies outside the imported folder (``/etc/passwd``,
  ``../outside/secret.md``), a link to nothing, and a link to a folder are left out with a note naming them — never
  read, never followed. A link to a file *inside* the folder is read from where it points.
- **Opens do not follow links.** The file is opened component by component from the folder's own descriptor with
  ``O_NOFOLLOW`` (``openat``), so a folder or file swapped for a link between the walk and the read is refused
  (``ELOOP``), not followed; and with ``O_NONBLOCK``, then checked to be a regular file, so a FIFO named ``.md``
  cannot hang the import.
- **Sizes are bounded.** Each file is refused past ``limit`` bytes (``--max-mb``, 50 MB unless told otherwise),
  checked before it is read and again while reading.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from shiplab.data.errors import ImportProblem

CHUNK = 1024 * 1024
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def walk(folder: Path) -> tuple[list[tuple[Path, Path]], list[str]]:
    """Every file under ``folder``, sorted, as ``(where it is, what to read)`` relative paths — the same path, or a
    link's target inside the folder — and notes (``"path: why"``) for the links and special files left out."""
    root = folder.resolve()
    files: list[tuple[Path, Path]] = []
    notes: list[str] = []

    def visit(rel: Path) -> None:
        try:
            with os.scandir(root / rel) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            notes.append(f"{rel.as_posix()}/: cannot list this folder ({exc.strerror}); left out")
            return
        for e in entries:
            r = rel / e.name
            if e.is_symlink():
                target = os.readlink(e.path)
                try:
                    real = Path(e.path).resolve(strict=True)
                except (OSError, RuntimeError):
                    notes.append(f"{r.as_posix()}: a link to nothing ({target}); left out")
                    continue
                if not real.is_relative_to(root):
                    notes.append(f"{r.as_posix()}: a link that points outside the folder ({target}); left out, "
                                 "not read")
                elif real.is_dir():
                    notes.append(f"{r.as_posix()}: a link to a folder ({target}); not followed")
                elif real.is_file():
                    files.append((r, real.relative_to(root)))
                else:
                    notes.append(f"{r.as_posix()}: a link to something that is not a file ({target}); left out")
            elif e.is_dir(follow_symlinks=False):
                visit(r)
            elif e.is_file(follow_symlinks=False):
                files.append((r, r))
            else:
                notes.append(f"{r.as_posix()}: not a regular file (a pipe, socket or device); left out")

    visit(Path())
    return files, notes


def _mb(n: int) -> str:
    return f"{round(n / 1024 / 1024, 2):g} MB"


def too_big(name: str, limit: int) -> ImportProblem:
    return ImportProblem(f"the file is larger than the import limit of {_mb(limit)}.", file=name,
                         hint="split it, leave it out of the folder, or raise the limit (`--max-mb`).")


def read_inside(folder: Path, rel: Path, limit: int) -> bytes:
    """The bytes of ``folder/rel``, opened without following any link on the way; refused past ``limit``."""
    name = rel.as_posix()
    fd = os.open(folder.resolve(), os.O_RDONLY | _DIRECTORY)
    try:
        for part in rel.parts[:-1]:
            try:
                nxt = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
            except OSError as exc:
                raise _open_problem(name, exc) from None
            os.close(fd)
            fd = nxt
        try:
            ffd = os.open(rel.parts[-1], _FILE_FLAGS, dir_fd=fd)
        except OSError as exc:
            raise _open_problem(name, exc) from None
    finally:
        os.close(fd)
    with os.fdopen(ffd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise ImportProblem("not a regular file.", file=name, hint="leave it out of the folder.")
        if st.st_size > limit:
            raise too_big(name, limit)
        chunks, total = [], 0
        while chunk := f.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise too_big(name, limit)
            chunks.append(chunk)
    return b"".join(chunks)


def _open_problem(name: str, exc: OSError) -> ImportProblem:
    import errno

    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
        return ImportProblem("a link appeared in its path while the folder was read; not followed.", file=name,
                             hint="import again once the folder stops changing; links out of it are never read.")
    return ImportProblem(f"cannot open it ({exc.strerror}).", file=name, hint="check the file's permissions.")
