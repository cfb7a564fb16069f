"""Where a course lives, per the course layout contract.

- ``labs/<lab-id>/`` in the repository: the *source* of each lab (the notebook with solutions and hidden tests, and
  ``<lab-id>.pct.py``, the notebook's source it is rendered from: :mod:`shiplab.course.authoring`).
- ``graders/``: course-wide nbgrader settings and the helpers test cells import; read by path, as data.
- ``<state>/courses/<course-id>/``: nbgrader's course directory (``source/``, ``release/``, ``submitted/``,
  ``autograded/``, ``feedback/``, ``gradebook.db``), private to the grader.
- ``<state>/exchange/``: nbgrader's exchange root, shared with every participant
  (``<course-id>/outbound``, ``inbound``, ``feedback``).

``<state>`` is ``SHIPLAB_STATE`` if set, else the settings file's ``hub.state_dir`` (default ``<repo>/state``).
The course id is ``SHIPLAB_COURSE`` if set, else ``workshop``.
"""

from __future__ import annotations

import os
from pathlib import Path

from shiplab.settings import REPO_ROOT

LABS_DIR = REPO_ROOT / "labs"
GRADERS_DIR = REPO_ROOT / "graders"
GRADERS_CONFIG = GRADERS_DIR / "nbgrader_config.py"
CHECKS_MODULE = GRADERS_DIR / "shiplab_checks.py"
DEFAULT_COURSE = "workshop"
LAB_SOURCE_SUFFIX = ".pct.py"  # labs/<lab-id>/<lab-id>.pct.py: the notebook's source (percent format)
LAB_SOURCE_GLOB = "*" + LAB_SOURCE_SUFFIX  # what every copy of a lab folder leaves out: solutions, hidden tests


def state_dir() -> Path:
    """The runtime state folder: ``SHIPLAB_STATE``, else the settings file's ``hub.state_dir``."""
    from shiplab import settings

    return settings.state_dir()


def course_id(given: str | None = None) -> str:
    """The course id: the one given, else ``SHIPLAB_COURSE``, else ``workshop``."""
    return given or os.environ.get("SHIPLAB_COURSE") or DEFAULT_COURSE


def course_dir(state: Path, course: str) -> Path:
    return state / "courses" / course


def exchange_root(state: Path) -> Path:
    return state / "exchange"


def exchange_course_dir(state: Path, course: str) -> Path:
    return exchange_root(state) / course


def lab_ids(labs_dir: Path = LABS_DIR) -> list[str]:
    """Every folder of ``labs_dir`` that holds a notebook, sorted."""
    if not labs_dir.is_dir():
        return []
    return sorted(p.name for p in labs_dir.iterdir()
                  if p.is_dir() and not p.name.startswith(".") and any(p.glob("*.ipynb")))

