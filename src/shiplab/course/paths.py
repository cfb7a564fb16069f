"""Where a course lives: the course folder (private to the grader) and the exchange (shared)."""

from __future__ import annotations

from pathlib import Path

from shiplab.settings import REPO_ROOT

LABS_DIR = REPO_ROOT / "labs"
GRADERS_CONFIG = REPO_ROOT / "graders" / "nbgrader_config.py"


def course_dir(state: Path, course: str) -> Path:
    return state / "courses" / course


def exchange_root(state: Path) -> Path:
    return state / "exchange"


def course_config_text(state: Path, course: str) -> str:
    return (
        "# Written by shiplab on every start; edit graders/nbgrader_config.py instead.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(GRADERS_CONFIG)!r})  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {course!r}\n"
        f"c.CourseDirectory.root = {str(course_dir(state, course))!r}\n"
        f"c.Exchange.root = {str(exchange_root(state))!r}\n"
    )


def lab_ids(labs_dir: Path = LABS_DIR) -> list[str]:
    return sorted(p.name for p in labs_dir.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))
