"""A throwaway course for the grading tests and ``bench/grading.py``: a lab (the ``mini`` one unless told) built with
nbgrader's API in a temporary folder, participants who submit to its exchange the way nbgrader's ``Submit`` does
(folder, notebook, timestamp, secret), and the batch graded by an in-process worker as the hub's does."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

from shiplab.grading.engine import ensure_venv_tools_on_path

FIXTURES = Path(__file__).parent / "fixtures"
LAB = "mini"
COURSE = "gradetest"
RIGHT = {
    "add": "def add(a, b):\n    return a + b",
    "total_of": "def total_of(path):\n    with open(path) as fh:\n        return sum(int(x) for x in fh if x.strip())",
}
#: passes the visible test only: the hidden tests (2 points) catch it
HALF_RIGHT = {"add": "def add(a, b):\n    return 3 if (a, b) == (1, 2) else 0", "total_of": RIGHT["total_of"]}


@dataclass
class Course:
    root: Path
    exchange: Path
    config: Config
    lab: str = LAB

    @property
    def inbound(self) -> Path:
        return self.exchange / COURSE / "inbound"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    def scores(self) -> dict[str, float]:
        """participant -> total score, from the gradebook."""
        out = {}
        with Gradebook(f"sqlite:///{self.gradebook}", COURSE) as gb:
            for student in gb.students:
                try:
                    out[student.id] = gb.find_submission(self.lab, student.id).score
                except MissingEntry:
                    pass
        return out

    def cell_scores(self, student: str) -> dict[str, float]:
        with Gradebook(f"sqlite:///{self.gradebook}", COURSE) as gb:
            nb = gb.find_submission_notebook(self.lab, self.lab, student)
            return {g.name: g.score for g in nb.grades}


def course_config(root: Path, exchange: Path, cell_timeout: int = 4) -> Config:
    cfg = Config()
    cfg.CourseDirectory.course_id = COURSE
    cfg.CourseDirectory.root = str(root)
    cfg.Exchange.root = str(exchange)
    cfg.Execute.timeout = cell_timeout
    cfg.Execute.interrupt_on_timeout = True
    cfg.Execute.allow_errors = True
    return cfg


def make_course(base: Path, cell_timeout: int = 4, lab_dir: Path | None = None) -> Course:
    """The lab of ``lab_dir`` (default: the mini lab) generated (hidden tests out) and in the gradebook, laid out as
    a shiplab state folder (``<base>/courses/<course>`` 0700, ``<base>/exchange`` as nbgrader's exchange)."""
    lab_dir = lab_dir or FIXTURES / LAB
    lab = lab_dir.name
    root, exchange = base / "courses" / COURSE, base / "exchange"
    shutil.copytree(lab_dir, root / "source" / lab)
    root.chmod(0o700)
    for path, mode in ((exchange, 0o1777), (exchange / COURSE, 0o755), (exchange / COURSE / "inbound", 0o3733),
                       (exchange / COURSE / "feedback", 0o711), (exchange / COURSE / "outbound", 0o755)):
        path.mkdir(parents=True, exist_ok=True)
        path.chmod(mode)
    cfg = course_config(root, exchange, cell_timeout)
    ensure_venv_tools_on_path()
    before = os.getcwd()
    os.chdir(root)
    try:
        result = NbGraderAPI(config=cfg).generate_assignment(lab, force=True, create=True)
    finally:
        os.chdir(before)
    assert result["success"], result.get("error")
    return Course(root, exchange, cfg, lab)


def stamp(seconds_ago: float = 0.0) -> str:
    when = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=seconds_ago)
    return when.strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def submit(course: Course, student: str, answers: dict[str, str] | None = None, *, when: str | None = None,
           extra_cells: list[str] | None = None, edit=None, raw: str | None = None,
           files: dict[str, str] | None = None) -> Path:
    """A participant's submission in the exchange inbound folder: the released notebook with ``answers`` typed into
    the solution cells (``extra_cells`` appended, ``edit(nb)`` applied, or ``raw`` text as the whole file)."""
    when = when or stamp()
    lab = course.lab
    folder = course.inbound / f"{student}+{lab}+{when}+{secrets.token_hex(4)}"
    folder.mkdir()
    if raw is not None:
        (folder / f"{lab}.ipynb").write_text(raw)
    else:
        nb = nbformat.read(str(course.root / "release" / lab / f"{lab}.ipynb"), as_version=4)
        for c in nb.cells:
            gid = c.metadata.get("nbgrader", {}).get("grade_id")
            if answers and gid in answers:
                c.source = answers[gid]
        for src in extra_cells or []:
            nb.cells.insert(2, nbformat.v4.new_code_cell(src))
        if edit:
            edit(nb)
        nbformat.write(nb, str(folder / f"{lab}.ipynb"))
    for name, text in (files or {}).items():
        (folder / name).write_text(text)
    (folder / "timestamp.txt").write_text(when)
    (folder / "submission_secret.txt").write_text(secrets.token_hex(16))
    return folder


def grade_all(course: Course, parallel: int, limits=None, queue_path: Path | None = None):
    """File everything in the inbound folder and grade it with an in-process worker; return (summary, queue,
    sandbox)."""
    from shiplab.grading.engine import Engine
    from shiplab.grading.queue import Queue
    from shiplab.grading.sandbox import Sandbox
    from shiplab.grading.worker import Worker

    sandbox = Sandbox(slots=parallel, limits=limits)
    queue = Queue(queue_path or course.root.parent.parent / "grading" / "queue.db")
    worker = Worker(Engine(course.config, sandbox), queue, parallel, inbound=course.inbound, poll=0.2)
    return worker.run(until_idle=True), queue, sandbox


def worker_batch(course: Course, parallel: int):
    """Everything in the inbound folder filed first, then graded by an in-process worker until none is left, as the
    hub's worker does: (seconds the grading took, summary, sandbox)."""
    from shiplab.grading.engine import Engine
    from shiplab.grading.queue import Queue
    from shiplab.grading.sandbox import Sandbox
    from shiplab.grading.watch import file_new_submissions
    from shiplab.grading.worker import Worker

    sandbox = Sandbox(slots=parallel)
    queue = Queue(course.root.parent.parent / "grading" / "queue.db")
    file_new_submissions(queue, course.inbound)
    worker = Worker(Engine(course.config, sandbox), queue, parallel)
    started = time.perf_counter()
    summary = worker.run(until_idle=True)
    return time.perf_counter() - started, summary, sandbox


def outputs_text(course: Course, student: str) -> str:
    """Every output of the participant's autograded notebook, as one text."""
    nb = nbformat.read(str(course.root / "autograded" / student / course.lab / f"{course.lab}.ipynb"), as_version=4)
    parts = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            parts.append(o.get("text", "") if o.output_type == "stream" else f"{o.get('ename')}: {o.get('evalue')}")
    return "\n".join(parts)


def sandbox_processes() -> list[str]:
    """Processes of any sandbox account still alive (there should be none between runs)."""
    import pwd

    uids = {p.pw_uid for p in pwd.getpwall() if p.pw_name.startswith("shiplab-sandbox-")}
    left = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                status = Path(f"/proc/{entry.name}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if int(fields["Uid"].split()[0]) in uids and not fields["State"].strip().startswith("Z"):
                left.append(f"{entry.name} {fields['Name'].strip()}")
    return left
