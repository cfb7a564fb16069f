"""The course's formgrader as a hub-managed service, and the folders it needs.

nbgrader's formgrader is a Jupyter server running in the course folder. shiplab runs it as the hub service named
like the course id (as nbgrader's JupyterHub guide does), as a dedicated grader account when the hub runs as root,
so the course folder and gradebook (0700, owned by the grader) are out of every participant's reach. Instructors
reach it through their role (``access:services!service=<course>``); everyone else gets 403.
"""

from __future__ import annotations

import os
import pwd
import subprocess
from pathlib import Path

from shiplab.course.paths import course_dir, exchange_root
from shiplab.course.exchange import ensure_exchange
from shiplab.course.build import Course


GRADER_ACCOUNT = "shiplab-grader"


def ensure_grader_account() -> pwd.struct_passwd:
    """The grader account, its home private (0700: its JupyterLab workspace names the notebooks it opened)."""
    try:
        entry = pwd.getpwnam(GRADER_ACCOUNT)
    except KeyError:
        subprocess.run(["useradd", "--system", "--create-home", "--home-dir", f"/home/{GRADER_ACCOUNT}",
                        "--shell", "/usr/sbin/nologin", "--comment", "shiplab course grader", GRADER_ACCOUNT],
                       check=True, capture_output=True)
        entry = pwd.getpwnam(GRADER_ACCOUNT)
    home = Path(entry.pw_dir)
    if os.geteuid() == 0 and home.is_dir() and not home.is_symlink() and home.stat().st_uid == entry.pw_uid:
        home.chmod(0o700)
    return entry


def ensure_course_folders(state: Path, course: str, *, as_root: bool) -> Path:
    """Course folder private to the grader; exchange root open as nbgrader's exchange expects. Safe to re-run."""
    c = Course(state, course)
    c.ensure()
    (state / "courses").chmod(0o711)
    grader = ensure_grader_account() if as_root else None
    # the exchange's course folders belong to the grader from the start: nbgrader, running as the grader, refuses
    # folders it does not own
    ensure_exchange(state, course, owner_uid=grader.pw_uid if grader else None)
    if grader:
        for path in (c.dir, *c.dir.rglob("*")):
            os.chown(path, grader.pw_uid, grader.pw_gid, follow_symlinks=False)
        os.chmod(c.dir, 0o700)
    return c.dir


def formgrader_service(*, course: str, url: str, python: str, repo_root: Path, state: Path, as_root: bool,
                       allow_root: bool = False) -> dict:
    """``as_root``: the hub is root and gives the formgrader the grader account; ``allow_root``: it stays root
    (developer mode on a root machine), which Jupyter only accepts with ``--allow-root``."""
    bindir = Path(python).parent
    service = {
        "name": course,
        "url": url,
        "command": [str(bindir / "jupyterhub-singleuser"), "--ServerApp.default_url=/formgrader",
                    f"--ServerApp.root_dir={course_dir(state, course)}"],
        "cwd": str(course_dir(state, course)),
        "oauth_no_confirm": True,
        "display": True,
        "info": {"description": "nbgrader formgrader for instructors"},
        "environment": {
            "JUPYTER_CONFIG_PATH": str(repo_root / "hub_config" / "jupyter" / "grader"),
            "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
            "SHIPLAB_COURSE": course,
            "SHIPLAB_EXCHANGE": str(exchange_root(state)),
        },
    }
    if as_root:
        service["user"] = GRADER_ACCOUNT
    elif allow_root:
        service["command"].append("--allow-root")
    return service


