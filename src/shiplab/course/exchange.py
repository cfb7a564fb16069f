"""The exchange: the one folder participants and the grader share, and its permissions.

nbgrader's default exchange is plain Unix permissions on a shared folder (see
``nbgrader/exchange/default/release_assignment.py``). With a Unix account per participant:

==============================  ======  ==============================================================
``<root>/``                      1777   anyone creates a course folder; sticky: nobody removes another's
``<root>/<course>/``             0755   owned by the grader (nbgrader refuses folders it does not own)
``<root>/<course>/outbound``     0755   released labs: everyone reads, only the grader writes
``<root>/<course>/inbound``      3733   submissions: everyone writes and enters, nobody but the grader
                                        lists or reads; setgid gives each submission the grader's group,
                                        sticky stops a participant removing someone else's submission
``<root>/<course>/feedback``     0711   feedback under hashed names: fetched by exact name, never listed
==============================  ======  ==============================================================

nbgrader itself creates ``inbound`` as 2733 and only checks the root's 0o777 bits, so the extra sticky bit is
compatible. Submissions are filed under the name a participant claims; :func:`reject_forged_submissions` (run as
root) sets aside those whose Unix owner is someone else.
"""

from __future__ import annotations

import os
import pwd
import shutil
import stat
from pathlib import Path

from shiplab.course import paths
from shiplab.errors import ShiplabError

ROOT_MODE = 0o1777
MODES = {"": 0o755, "outbound": 0o755, "inbound": 0o3733, "feedback": 0o711}


def ensure_exchange(state: Path | None = None, course: str | None = None, owner_uid: int | None = None) -> Path:
    """The exchange root and this course's folders exist with the modes above; safe to re-run.

    Folders this process owns are repaired to the right mode; a wrong mode on a folder owned by another account
    is an error naming the command that fixes it. Run as root for a grader account, pass its uid as
    ``owner_uid``: nbgrader, running as the grader, refuses course folders it does not own."""
    state, course = state or paths.state_dir(), paths.course_id(course)
    ensure_exchange_root(state)
    base = paths.exchange_course_dir(state, course)
    for name, mode in MODES.items():
        path = base / name if name else base
        _ensure_dir(path, mode)
        if owner_uid is not None and path.stat().st_uid != owner_uid:
            os.chown(path, owner_uid, pwd.getpwuid(owner_uid).pw_gid)
            os.chmod(path, mode)  # chown clears setgid
    return base


def ensure_exchange_root(state: Path) -> Path:
    """Only the exchange root (1777): nbgrader's API warns about a missing one even for steps that never use it."""
    root = paths.exchange_root(state)
    _ensure_dir(root, ROOT_MODE)
    return root


def _ensure_dir(path: Path, mode: int) -> None:
    path.mkdir(parents=True, exist_ok=True)
    current = stat.S_IMODE(path.stat().st_mode)
    if current == mode:
        return
    if path.stat().st_uid == os.geteuid() or os.geteuid() == 0:
        os.chmod(path, mode)  # mkdir's mode is cut by the umask and never sets sticky/setgid: chmod after
        return
    raise ShiplabError(f"the exchange folder {path} has mode {current:o}, it needs {mode:o}, and it belongs to "
                       f"another account ({_owner(path)}).",
                       hint=f"as root: chmod {mode:o} {path} (or run `shiplab up` as root, which sets it).")


def exchange_problems(state: Path, course: str) -> list[str]:
    """Sentences for every exchange folder that is missing or has the wrong mode (empty when all is well)."""
    problems = []
    wanted = [(paths.exchange_root(state), ROOT_MODE)]
    base = paths.exchange_course_dir(state, course)
    wanted += [(base / name if name else base, mode) for name, mode in MODES.items()]
    missing: list[Path] = []
    for path, mode in wanted:
        if any(m in path.parents for m in missing):
            continue  # below a missing folder: the missing parent says it all
        if not path.is_dir():
            missing.append(path)
            problems.append(f"{path} is missing")
        elif stat.S_IMODE(path.stat().st_mode) != mode:
            problems.append(f"{path} has mode {stat.S_IMODE(path.stat().st_mode):o}, needs {mode:o}")
    return problems


def _owner(path: Path) -> str:
    uid = path.stat().st_uid
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def reject_forged_submissions(inbound: Path, rejected: Path, unix_prefix: str) -> list[tuple[str, str]]:
    """Move aside submissions whose name claims a participant other than the Unix account that wrote them.

    Runs as root (moving another account's folder needs it), before collecting."""
    moved: list[tuple[str, str]] = []
    if not inbound.is_dir():
        return moved
    for entry in inbound.iterdir():
        student = entry.name.split("+", 1)[0]
        owner = _owner(entry)
        if owner != f"{unix_prefix}{student}":
            rejected.mkdir(mode=0o700, exist_ok=True)
            shutil.move(str(entry), str(rejected / entry.name))
            moved.append((entry.name, f"filed as {student!r} but written by account {owner!r}: set aside"))
    return moved
