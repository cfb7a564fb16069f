"""A course as the board reads it, written with the real writers: nbgrader's :class:`Gradebook` (grades per test
cell), the grading engine's :class:`Queue` (submissions and their states), autograded notebooks with the failing
tests' outputs, the roster file. Only the hub's user list is given as data (:class:`FixedUsers`)."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from shiplab.grading.engine import ensure_venv_tools_on_path
from shiplab.grading.queue import Queue, new_worker_id
from shiplab import roster
from shiplab.board.app import BoardConfig, FixedUsers, create_app
from shiplab.board.auth import TokenTable, Viewer
from shiplab.board.model import Rules

COURSE = "workshop"
LAB = "demo"
UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
CELLS = {"test_a": 1.0, "test_b": 2.0}
PEOPLE = [
    roster.Person("ines", "Ines Wagner", "i@x.example", "instructor"),
    roster.Person("marta", "Marta Keller", "m@x.example", "manager"),
    roster.Person("anna", "Anna Berger", "a@x.example", "participant", "claims", "marta"),
    roster.Person("ben", "Ben Okafor", "b@x.example", "participant", "claims", "marta"),
    roster.Person("chloe", "Chloé Martin", "c@x.example", "participant", "portal", "marta"),
]
TOKENS = {"t-ines": Viewer("ines", frozenset({"instructors"})),
          "t-marta": Viewer("marta", frozenset({"managers"})),
          "t-anna": Viewer("anna", frozenset({"participants", "team-claims"}))}


@functools.cache
def _template_gradebook() -> Path:
    """The lab's gradebook, made once per session (nbgrader runs `alembic` when it creates one: seconds)."""
    ensure_venv_tools_on_path()
    folder = tempfile.mkdtemp(prefix="boardkit-")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / "gradebook.db"
    with Gradebook(f"sqlite:///{path}", COURSE) as gb:
        gb.add_assignment(LAB)
        gb.add_notebook(LAB, LAB)
        for name, points in CELLS.items():
            gb.add_grade_cell(name, LAB, LAB, max_score=points, cell_type="code")
    return path


def stamp(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


class Course:
    def __init__(self, state: Path, people=PEOPLE):
        self.state = state
        self.root = state / "courses" / COURSE
        self.root.mkdir(parents=True)
        roster.save(list(people), state)
        self.gradebook_url = f"sqlite:///{self.root / 'gradebook.db'}"
        shutil.copy(_template_gradebook(), self.root / "gradebook.db")
        (state / "exchange" / COURSE / "outbound" / LAB).mkdir(parents=True)  # released
        self.queue = Queue(state / "grading" / COURSE / "queue.db")
        self.worker = new_worker_id()

    def file(self, student: str, at: dt.datetime) -> int:
        """A submission filed in the grading queue (state queued)."""
        job = self.queue.enqueue(LAB, student, stamp(at), at.astimezone(UTC).replace(tzinfo=None).isoformat(),
                                 f"/nowhere/{student}")
        assert job is not None
        return job

    def grade(self, student: str, at: dt.datetime, scores: dict[str, float], messages: dict[str, str] = {}) -> None:
        """File and grade a submission: queue job done, gradebook grades, autograded notebook outputs."""
        self.file(student, at)
        job = self.queue.claim(self.worker)
        assert job is not None and job.student == student
        with Gradebook(self.gradebook_url, COURSE) as gb:
            gb.update_or_create_student(student)
            try:
                gb.remove_submission(LAB, student)
            except Exception:  # noqa: BLE001 -- first submission
                pass
            gb.add_submission(LAB, student, timestamp=stamp(at))
            for name, score in scores.items():
                gb.find_grade(name, LAB, LAB, student).auto_score = score
            gb.db.commit()
        nb = nbformat.v4.new_notebook()
        for name in CELLS:
            cell = nbformat.v4.new_code_cell("assert True")
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": name, "points": CELLS[name], "solution": False,
                                         "locked": True, "schema_version": 3}
            if name in messages:  # "AssertionError: floats too" -> ename, evalue
                ename, _, evalue = messages[name].partition(": ")
                cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=["..."])]
            nb.cells.append(cell)
        out = self.root / "autograded" / student / LAB
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(out / f"{LAB}.ipynb"))
        total = sum(scores.values())
        assert self.queue.finish(job.id, self.worker, ok=True, score=total, max_score=sum(CELLS.values()))

    def fetch(self, student: str, lab: str = LAB) -> Path:
        """The lab fetched into the participant's home, as nbgrader's Fetch leaves it (developer mode's homes)."""
        folder = self.state / "homes" / student / lab
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{lab}.ipynb").write_text("{}")
        return folder

    def release_notebook(self, grade_ids: list[str]) -> None:
        """The released notebook with its test cells in ``grade_ids``' order (the gradebook keeps no order)."""
        nb = nbformat.v4.new_notebook()
        for name in grade_ids:
            cell = nbformat.v4.new_code_cell("assert True")
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": name, "points": CELLS[name], "solution": False,
                                         "locked": True, "schema_version": 3}
            nb.cells += [nbformat.v4.new_markdown_cell("..."), cell]
        folder = self.root / "release" / LAB
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / f"{LAB}.ipynb"))

    def app(self, *, users: list[dict] | None, now: dt.datetime, rules: Rules = Rules(), refresh_s: int = 5,
            starter=None):
        config = BoardConfig(state=self.state, course=COURSE, rules=rules, refresh_s=refresh_s,
                             formgrader_prefix=f"/services/{COURSE}/")
        clock = now if callable(now) else (lambda: now)
        return create_app(config, clock=clock, identity=TokenTable(TOKENS), hub_users=FixedUsers(users),
                          starter=starter)


def hub_user(name: str, groups: list[str], *, running: bool = False, started: dt.datetime | None = None,
             active: dt.datetime | None = None) -> dict:
    """A user model as the hub's API gives it with the board's scopes."""
    iso = (lambda t: t.astimezone(UTC).isoformat().replace("+00:00", "Z") if t else None)
    servers = {"": {"name": "", "ready": True, "started": iso(started), "last_activity": iso(active)}} if running \
        else {}
    return {"kind": "user", "name": name, "groups": groups, "last_activity": iso(active), "servers": servers}
