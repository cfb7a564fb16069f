"""nbgrader's configuration for one course, built in Python.

nbgrader is configured with traitlets: a :class:`~traitlets.config.Config` of ``Class.trait`` settings. A course
gets three layers, later ones winning:

1. ``graders/nbgrader_config.py`` — course-wide settings kept in the repository (stubs, timeouts, feedback);
2. this hub's paths — course id, course root, exchange root;
3. per-call overrides (tests shorten the per-cell timeout, for instance).

:func:`course_config` builds that Config for nbgrader's Python API. :func:`write_course_config` writes the same
first two layers as ``<course>/nbgrader_config.py``, which the formgrader (a Jupyter server started in the course
folder) reads.
"""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from shiplab.course import paths
from shiplab.errors import ShiplabError


def graders_config(path: Path = paths.GRADERS_CONFIG) -> Config:
    """The course-wide settings from ``graders/nbgrader_config.py``."""
    try:
        return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()
    except ConfigFileNotFound:
        raise ShiplabError(f"the course-wide nbgrader settings {path} are missing.",
                           hint="restore graders/nbgrader_config.py from git.") from None


def course_config(course_id: str | None = None, state: Path | None = None, overrides: Config | None = None,
                  graders: Path = paths.GRADERS_CONFIG) -> Config:
    """The full nbgrader Config for ``course_id`` on this hub (see the module docstring for the layers)."""
    course = paths.course_id(course_id)
    state = state or paths.state_dir()
    cfg = graders_config(graders)
    cfg.merge(_hub_layer(course, state))
    if overrides:
        cfg.merge(overrides)
    return cfg


def _hub_layer(course: str, state: Path) -> Config:
    cfg = Config()
    cfg.CourseDirectory.course_id = course
    cfg.CourseDirectory.root = str(paths.course_dir(state, course))
    cfg.Exchange.root = str(paths.exchange_root(state))
    cfg.ExchangeReleaseAssignment.force = True  # re-releasing a lab replaces it
    return cfg


def course_config_text(course_id: str | None = None, state: Path | None = None,
                       graders: Path = paths.GRADERS_CONFIG) -> str:
    """The text of ``<course>/nbgrader_config.py``: the course-wide file, then this hub's paths."""
    course = paths.course_id(course_id)
    state = state or paths.state_dir()
    hub = _hub_layer(course, state)
    return (
        "# Written by shiplab (shiplab.course.config); edit graders/nbgrader_config.py instead.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(graders)!r})  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {hub.CourseDirectory.course_id!r}\n"
        f"c.CourseDirectory.root = {hub.CourseDirectory.root!r}\n"
        f"c.Exchange.root = {hub.Exchange.root!r}\n"
        "c.ExchangeReleaseAssignment.force = True\n"
    )


def write_course_config(course_id: str | None = None, state: Path | None = None,
                        graders: Path = paths.GRADERS_CONFIG) -> Path:
    """Write ``<course>/nbgrader_config.py`` (only when its content changes); return its path."""
    course = paths.course_id(course_id)
    state = state or paths.state_dir()
    target = paths.course_dir(state, course) / "nbgrader_config.py"
    text = course_config_text(course, state, graders)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return target
