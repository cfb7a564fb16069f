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


GRADER_ACCOUNT = "shiplab-grader"


def course_dir(state: Path, course: str) -> Path:
    return state / "courses" / course


def exchange_root(state: Path) -> Path:
    return state / "exchange"


def ensure_grader_account() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(GRADER_ACCOUNT)
    except KeyError:
        subprocess.run(["useradd", "--system", "--create-home", "--home-dir", f"/home/{GRADER_ACCOUNT}",
                        "--shell", "/usr/sbin/nologin", "--comment", "shiplab course grader", GRADER_ACCOUNT],
                       check=True, capture_output=True)
        return pwd.getpwnam(GRADER_ACCOUNT)


def ensure_course_folders(state: Path, course: str, *, as_root: bool) -> Path:
    """Course folder private to the grader; exchange root open as nbgrader's exchange expects. Safe to re-run."""
    cdir = course_dir(state, course)
    cdir.mkdir(parents=True, exist_ok=True)
    (state / "courses").chmod(0o711)
    xroot = exchange_root(state)
    xroot.mkdir(exist_ok=True)
    os.chmod(xroot, 0o777 | 0o1000)  # sticky: accounts can add their own entries, never remove another's
    config = cdir / "nbgrader_config.py"
    if not config.exists():
        config.write_text(
            "# Written by shiplab; `shiplab course` keeps it up to date.\n"
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {course!r}\n"
            f"c.CourseDirectory.root = {str(cdir)!r}\n"
            f"c.Exchange.root = {str(xroot)!r}\n"
            "c.ExchangeCollect.check_owner = False  # Unix owner is jupyter-<id>; shiplab checks it itself\n"
        )
    if as_root:
        grader = ensure_grader_account()
        for path in (cdir, *cdir.rglob("*")):
            os.chown(path, grader.pw_uid, grader.pw_gid, follow_symlinks=False)
        os.chmod(cdir, 0o700)
    return cdir


def formgrader_service(*, course: str, url: str, python: str, repo_root: Path, state: Path, as_root: bool) -> dict:
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
    return service


