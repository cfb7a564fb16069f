"""Playing a participant without a hub: nbgrader's own exchange classes fetch and submit (for in-process tests),
and the ways a participant's notebook goes wrong (the fixtures in ``fixtures/`` are made with them)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeFetchFeedback, ExchangeSubmit
from traitlets.config import Config


def _cfg(exchange: Path, course: str, lab: str, student: str, home: Path) -> Config:
    cfg = Config()
    cfg.Exchange.root = str(exchange)
    cfg.Exchange.assignment_dir = str(home)
    cfg.Exchange.cache = str(home / ".nbgrader_cache")
    cfg.CourseDirectory.course_id = course
    cfg.CourseDirectory.assignment_id = lab
    cfg.CourseDirectory.student_id = student
    return cfg


def _run(step, cfg: Config) -> None:
    step(coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg).start()


def fetch(exchange: Path, course: str, lab: str, student: str, home: Path) -> Path:
    cfg = _cfg(exchange, course, lab, student, home)
    _run(ExchangeFetchAssignment, cfg)
    return home / lab


def submit(exchange: Path, course: str, lab: str, student: str, home: Path) -> None:
    cfg = _cfg(exchange, course, lab, student, home)
    _run(ExchangeSubmit, cfg)


def fetch_feedback(exchange: Path, course: str, lab: str, student: str, home: Path) -> list[Path]:
    cfg = _cfg(exchange, course, lab, student, home)
    _run(ExchangeFetchFeedback, cfg)
    return sorted((home / lab / "feedback").rglob("*.html"))


def fill(notebook: Path, answers: dict[str, str]) -> None:
    """Put answers into the solution cells of a participant's notebook (as a participant would type them)."""
    nb = nbformat.read(str(notebook), as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            c.source = answers[gid]
    nbformat.write(nb, str(notebook))


# ---- problem submissions (the fixtures in fixtures/ are made from the released notebook with these)
def _by_id(nb) -> dict:
    return {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}


def infinite_loop(nb, answers: dict[str, str]) -> None:
    """Exercise 1 right; exercise 2's function never returns."""
    _by_id(nb)["normalize_priority"].source = answers["normalize_priority"]
    _by_id(nb)["route_ticket"].source = "def route_ticket(summary):\n    while True:\n        pass"


def deleted_grade_cell(nb, answers: dict[str, str]) -> None:
    """Both answers right, but the test cell of exercise 2 deleted."""
    for gid, src in answers.items():
        _by_id(nb)[gid].source = src
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_route_ticket"]


def edited_grade_cell(nb, answers: dict[str, str]) -> None:
    """A cheat attempt: exercise 1 left as the stub, its (locked) test cell replaced by one that always passes."""
    _by_id(nb)["route_ticket"].source = answers["route_ticket"]
    _by_id(nb)["test_normalize_priority"].source = 'print("all tests passed")'


SPOILERS = {"infinite-loop": infinite_loop, "deleted-grade-cell": deleted_grade_cell,
            "edited-grade-cell": edited_grade_cell}
