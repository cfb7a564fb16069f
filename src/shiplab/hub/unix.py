"""Unix accounts for participants, so that on one machine nobody can read another's work.

Each hub user ``anna`` gets the account ``<prefix>anna`` (``jupyter-anna`` by default: a roster name can never be
``root``) with a private home folder (mode 0700). Creating an account that exists only re-applies the home mode:
safe to run on every roster import.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from shiplab.errors import ShiplabError


def is_root() -> bool:
    return os.geteuid() == 0


def unix_name(username: str, prefix: str) -> str:
    return f"{prefix}{username}"


def ensure_unix_user(username: str, *, prefix: str = "jupyter-", homes_dir: str = "/home") -> pwd.struct_passwd:
    """Make sure the participant's account exists with a private home folder; return its passwd entry."""
    name = unix_name(username, prefix)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        home = Path(homes_dir) / name
        proc = subprocess.run(
            ["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash", "--user-group",
             "--comment", f"shiplab participant {username}", name],
            capture_output=True, text=True,
        )
        if proc.returncode != 0:
            raise ShiplabError(f"could not create the Unix account {name!r}: {proc.stderr.strip()}",
                               hint="run the roster import as root, or set spawner.mode: developer.")
        entry = pwd.getpwnam(name)
    home = Path(entry.pw_dir)
    home.mkdir(parents=True, exist_ok=True)
    os.chown(home, entry.pw_uid, entry.pw_gid)
    os.chmod(home, 0o700)
    return entry


def remove_unix_user(username: str, *, prefix: str = "jupyter-") -> None:
    """Delete the account and its home (used by tests and `shiplab roster remove --purge`)."""
    name = unix_name(username, prefix)
    try:
        pwd.getpwnam(name)
    except KeyError:
        return
    subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
