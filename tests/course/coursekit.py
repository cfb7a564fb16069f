"""Playing a participant without a hub: nbgrader's own exchange classes fetch and submit (for in-process tests)."""

from __future__ import annotations

import json
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


def fetch(exchange: Path, course: str, lab: str, student: str, home: Path) -> Path:
    cfg = _cfg(exchange, course, lab, student, home)
    ExchangeFetchAssignment(coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg).start()
    return home / lab


def submit(exchange: Path, course: str, lab: str, student: str, home: Path) -> None:
    cfg = _cfg(exchange, course, lab, student, home)
    ExchangeSubmit(coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg).start()


def fetch_feedback(exchange: Path, course: str, lab: str, student: str, home: Path) -> list[Path]:
    cfg = _cfg(exchange, course, lab, student, home)
    ExchangeFetchFeedback(coursedir=CourseDirectory(config=cfg), authenticator=Authenticator(config=cfg), config=cfg).start()
    return sorted((home / lab / "feedback").rglob("*.html"))


def solutions(source_nb: Path) -> dict[str, str]:
    """grade_id -> source of each solution cell in the instructor's notebook."""
    nb = nbformat.read(str(source_nb), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.source for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def fill(notebook: Path, answers: dict[str, str]) -> None:
    """Put answers into the solution cells of a participant's notebook (as a participant would type them)."""
    nb = nbformat.read(str(notebook), as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            c.source = answers[gid]
    nbformat.write(nb, str(notebook))


def edit_json(notebook: Path, change) -> None:
    data = json.loads(notebook.read_text())
    change(data)
    notebook.write_text(json.dumps(data))
