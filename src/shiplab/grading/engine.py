"""Grading one submission: nbgrader's own steps, with only the execution moved into the sandbox.

nbgrader's ``Autograde`` converter does, per notebook: *sanitize* (``ClearOutput``, ``DeduplicateIds``,
``OverwriteKernelspec``, ``OverwriteCells`` — locked and test cells, hidden tests included, restored from the
gradebook — ``CheckCellMetadata``), then *autograde* (``Execute``, ``IgnorePattern``, ``ClearMetadata``,
``LimitOutput``, ``SaveAutoGrades``, ``AssignLatePenalties``, ``CheckCellMetadata``). :class:`SandboxedAutograde`
is that converter with one change: ``Execute`` is replaced by :class:`SandboxStep`, which sends the prepared
notebook to :class:`~shiplab.grading.sandbox.Sandbox` and takes back only outputs. Everything that reads or writes
the gradebook runs in the trusted worker, holding :attr:`Engine.writer` (SQLite has one writer at a time); the
sandbox step lets go of it while the notebook runs, so N executions overlap while gradebook writes stay serial.

After grading, feedback is rendered by nbgrader's ``GenerateFeedback`` (hidden tests stripped by
:class:`shiplab.course.hidden.StripHiddenTests`, added if the course config forgot it), checked for hidden-test
source, and released to the exchange by nbgrader's ``ExchangeReleaseFeedback`` so the participant can fetch it.
"""

from __future__ import annotations

import copy
import logging
import os
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import jinja2
import nbformat
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.auth import Authenticator
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.converters.base import BaseConverter
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeReleaseFeedback
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from sqlalchemy.exc import OperationalError
from traitlets.config import Config

from shiplab.course.hidden import (
    HiddenTestsLeak,
    StripHiddenTests,
    assert_no_hidden,
    hidden_snippets,
)
from shiplab.grading import intake
from shiplab.grading.judgejob import for_kernel, is_test_cell, judge_job, with_judged_outputs
from shiplab.grading.safehtml import CELL_ID, safe_notebook
from shiplab.grading.sandbox import Sandbox

log = logging.getLogger("shiplab.grading.engine")


class TemplateBytecode(jinja2.BytecodeCache):
    """Compiled feedback templates, kept in memory for every job of this worker.

    nbgrader makes a new HTML exporter (a new jinja environment) for each feedback it renders, and compiling
    nbconvert's templates was most of the worker's own CPU per submission (~0.1 s of ~0.2 s). Keyed by template
    name and source checksum, so a changed template is compiled again."""

    def __init__(self):
        self._code: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self.hits = 0

    def load_bytecode(self, bucket) -> None:
        with self._lock:
            code = self._code.get(bucket.key)
            if code is not None:
                self.hits += 1
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        code = bucket.bytecode_to_string()
        with self._lock:
            self._code[bucket.key] = code


TEMPLATE_BYTECODE = TemplateBytecode()


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback exporter (HTML), with its compiled templates shared across jobs."""

    def _create_environment(self):
        environment = super()._create_environment()
        environment.bytecode_cache = TEMPLATE_BYTECODE
        return environment
PRIVATE_FILES = {"submission_secret.txt", "timestamp.txt"}


@dataclass
class Outcome:
    """What grading one submission did. ``ok``: a grade is in the gradebook (possibly 0, see ``reason``)."""

    ok: bool
    score: float | None = None
    max_score: float | None = None
    reason: str | None = None
    notes: list[str] = field(default_factory=list)
    feedback: list[Path] = field(default_factory=list)
    execute_seconds: float = 0.0


class SandboxStep(NbGraderPreprocessor):
    """Stands where nbgrader's ``Execute`` stands: runs the notebook in the sandbox, outside the writer lock."""

    def __init__(self, sandbox: Sandbox, writer: threading.Lock, outcome: Outcome, **kwargs):
        super().__init__(**kwargs)
        self.sandbox, self.writer, self.outcome = sandbox, writer, outcome

    def preprocess(self, nb: NotebookNode, resources: dict):
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        files = submission_files(folder)
        info = resources["nbgrader"]
        job = (judge_job(Path(CourseDirectory(config=self.config).root), info["assignment"], info["notebook"])
               if self.sandbox.can_judge else None)
        sent = for_kernel(nb) if job is not None else nb
        self.writer.release()
        try:
            result = self.sandbox.execute(sent, files, execute_settings(self.config), judge=job)
        finally:
            self.writer.acquire()
        self.outcome.execute_seconds += result.seconds
        if result.notebook is None:
            self.outcome.reason = result.reason
            log.warning("%s/%s: %s", info["student"], info["assignment"], result.reason)
            return nbformat.from_dict(safe_notebook(fail_every_test(nb, result.reason))), resources
        if "case_salt" in result.extra:  # to reproduce this grade: SHIPLAB_CASE_SALT (shiplab_checks.case_rng)
            log.info("%s/%s: hidden cases salted with %s", info["student"], info["assignment"],
                     result.extra["case_salt"])
        stuck = result.extra.get("stuck")
        if stuck:
            self.outcome.reason = f"CellTimeoutError: {stuck}"
        executed = (result.notebook if job is None
                    else with_judged_outputs(nb, result.notebook, result.judged, stuck=stuck))
        # what the formgrader, the feedback and the board will render: nothing in it may run in a viewer's browser
        return nbformat.from_dict(safe_notebook(executed)), resources


def submission_files(folder: Path) -> dict[str, Path]:
    """What goes into the sandbox beside the notebook: every other plain file of the submission folder (name in the
    folder -> file), never a link, a notebook or the exchange's private files."""
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.is_symlink() and p.suffix != ".ipynb" and p.name not in PRIVATE_FILES}


def execute_settings(config: Config) -> dict:
    """The course's ``Execute`` settings (timeouts, interrupts), as plain values for the sandbox."""
    wanted = ("timeout", "interrupt_on_timeout", "allow_errors", "raise_on_iopub_timeout", "error_on_timeout",
              "extra_arguments", "execute_retries", "iopub_timeout", "startup_timeout", "shutdown_kernel",
              "kernel_name", "record_timing")
    settings = {k: v for k, v in config.get("Execute", {}).items() if k in wanted}
    settings.setdefault("timeout", Execute.timeout.default_value)
    return settings


def fail_every_test(nb: NotebookNode, reason: str) -> NotebookNode:
    """No executed notebook came back: give every autograded test cell an error output, so each scores 0."""
    for cell in nb.cells:
        if is_test_cell(cell):
            cell.outputs = [NotebookNode(output_type="error", ename="NotGraded", evalue=reason,
                                         traceback=[f"NotGraded: {reason}"])]
    return nb


class RestoreGradingMetadata(NbGraderPreprocessor):
    """Before nbgrader's ``OverwriteCells``: each cell's nbgrader metadata comes back from the released notebook.

    ``OverwriteCells`` restores sources and points, but a participant who marks their answer cell as a grade cell,
    or adds a grade cell of their own, makes it look up a grade that does not exist and the whole notebook fails
    (nbgrader ``MissingEntry``). Metadata of known cells is replaced by the released one; nbgrader metadata on
    cells the lab never had is dropped (they become plain cells)."""

    def __init__(self, course_root: Path, **kwargs):
        super().__init__(**kwargs)
        self.course_root = course_root

    def preprocess(self, nb: NotebookNode, resources: dict):
        released = self.course_root / "release" / resources["nbgrader"]["assignment"] / (
            resources["nbgrader"]["notebook"] + ".ipynb")
        if not released.is_file():
            return nb, resources
        known = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]
                 for c in nbformat.read(str(released), as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("grade_id")}
        for cell in nb.cells:
            if "id" in cell and not CELL_ID.match(str(cell.id)):
                cell.id = uuid.uuid4().hex[:8]  # nbformat's id rule: an id meant to break out of an attribute goes
            mine = cell.metadata.get("nbgrader")
            if mine is None:
                continue
            if mine.get("grade_id") in known:
                cell.metadata["nbgrader"] = copy.deepcopy(known[mine["grade_id"]])
            else:
                del cell.metadata["nbgrader"]
        return nb, resources


class SandboxedAutograde(Autograde):
    """nbgrader's Autograde converter, its Execute step replaced by :class:`SandboxStep`, its sanitizing preceded
    by :class:`RestoreGradingMetadata`."""

    def __init__(self, *, step: SandboxStep, **kwargs):
        super().__init__(**kwargs)
        self.step = step

    def convert_single_notebook(self, notebook_filename: str) -> None:
        """nbgrader's two passes (sanitize, then autograde) without its ``utils.setenv`` wrapper: that helper reads
        the old value under the wrong key and so always deletes ``NBGRADER_EXECUTION`` afterwards, which races
        between grading threads (KeyError). :class:`Engine` sets the variable once for the whole worker."""
        self._sanitizing = True
        self._init_preprocessors()
        BaseConverter.convert_single_notebook(self, notebook_filename)
        graded = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
        self._sanitizing = False
        self._init_preprocessors()
        try:
            BaseConverter.convert_single_notebook(self, graded)
        finally:
            self._sanitizing = True

    def _init_preprocessors(self) -> None:
        self.exporter._preprocessors = []
        if self._sanitizing:
            steps = list(self.sanitize_preprocessors)
            steps.insert(0, RestoreGradingMetadata(Path(self.coursedir.root), parent=self))
        else:
            steps = [self.step if pp is Execute else pp for pp in self.autograde_preprocessors]
        for pp in steps:
            self.exporter.register_preprocessor(pp)


def ensure_venv_tools_on_path() -> None:
    """nbgrader runs ``alembic`` from PATH when it creates a gradebook: make it this environment's."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


class Engine:
    """Grades submissions of one course; thread-safe (``writer`` serializes gradebook work)."""

    def __init__(self, config: Config, sandbox: Sandbox, writer: threading.Lock | None = None,
                 owner_of: Callable[[str], int | None] | None = None):
        """``owner_of(student)``: the uid that must own that participant's submissions (None: not checked, as
        in developer mode where every server runs as one account)."""
        ensure_venv_tools_on_path()
        self.owner_of = owner_of
        os.environ["NBGRADER_EXECUTION"] = "autograde"  # see SandboxedAutograde.convert_single_notebook
        self.config = config
        self.sandbox = sandbox
        self.writer = writer or threading.Lock()
        self.root = Path(CourseDirectory(config=config).root)
        self.db_url = CourseDirectory(config=config).db_url

    def _coursedir(self, lab: str, student: str) -> CourseDirectory:
        cd = CourseDirectory(config=self.config)
        cd.assignment_id, cd.student_id = lab, student
        return cd

    def collect(self, source: Path, lab: str, student: str, received_at: str | None = None) -> list[str]:
        """The submission in ``source`` becomes ``submitted/<student>/<lab>`` (as nbgrader's collect does), read
        without following a link and only from files of the participant's account (:mod:`.intake`).

        ``received_at`` (the worker's receipt time, UTC ISO) replaces the participant's own ``timestamp.txt``: the
        time nbgrader records (and applies late penalties to) is the worker's, not one a participant wrote."""
        dest = self.root / "submitted" / student / lab
        copied = intake.copy_submission(Path(source), dest, self.owner_of(student) if self.owner_of else None)
        if received_at:
            stamp = datetime.fromisoformat(received_at).astimezone(timezone.utc)
            (dest / "timestamp.txt").unlink(missing_ok=True)
            (dest / "timestamp.txt").write_text(stamp.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        return copied.skipped

    def grade(self, lab: str, student: str) -> Outcome:
        """Autograde ``submitted/<student>/<lab>`` (sandboxed execution), then write the grade."""
        outcome = Outcome(ok=False)
        with self.writer:
            cd = self._coursedir(lab, student)
            job_log, errors = _job_logger(f"{lab}.{student}")
            step = SandboxStep(self.sandbox, self.writer, outcome, config=self.config, log=job_log)
            app = SandboxedAutograde(step=step, coursedir=cd, config=self.config, log=job_log)
            app.force, app.create_student = True, True
            self._forget_previous_grade(lab, student)
            try:
                app.start()
            except Exception as exc:  # noqa: BLE001 -- a broken submission fails alone; the reason is kept
                outcome.reason = _converter_reason(errors or [f"{type(exc).__name__}: {exc}"], outcome.reason)
                self._zero(lab, student)
            outcome.score, outcome.max_score = self.score(lab, student)
            outcome.ok = outcome.score is not None
        return outcome

    def _forget_previous_grade(self, lab: str, student: str) -> None:
        """Every automatic grade of the participant's earlier submission of ``lab`` goes back to 0 before this one
        is graded: nbgrader writes grades only for the test cells the notebook still has, so a resubmission with
        its test cells deleted or renamed would keep the earlier score. Manual grades an instructor gave stay."""
        self._zero_auto_scores(lab, student, create=False)

    def _zero(self, lab: str, student: str) -> None:
        """nbgrader could not grade the notebook: record 0 for every grade, so the gradebook does not lie."""
        self._zero_auto_scores(lab, student, create=True)

    def _zero_auto_scores(self, lab: str, student: str, *, create: bool) -> None:
        """Automatic scores of ``student``'s submission of ``lab`` set to 0 (``create``: the submission is made if
        missing, and nothing is left waiting for a manual grade)."""
        with Gradebook(self.db_url, self._coursedir(lab, student).course_id) as gb:
            try:
                if create:
                    gb.update_or_create_student(student)
                    submission = gb.update_or_create_submission(lab, student)
                else:
                    submission = gb.find_submission(lab, student)
            except MissingEntry:
                return
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    grade.auto_score = 0
                    if create:
                        grade.needs_manual_grade = False
            gb.db.commit()

    def score(self, lab: str, student: str) -> tuple[float | None, float | None]:
        with Gradebook(self.db_url, self._coursedir(lab, student).course_id) as gb:
            try:
                sub = gb.find_submission(lab, student)
            except MissingEntry:
                return None, None
            return sub.score, sub.max_score

    def feedback(self, lab: str, student: str) -> list[Path]:
        """Render feedback for the graded submission and release it to the exchange; return the released files.

        Rendering only *reads* the gradebook (SQLite lets readers wait out a writer), and each participant's
        feedback has folders of its own, so it runs outside the writer lock, beside other jobs' grading: held, the
        lock made the HTML rendering of one job wait for every other job's gradebook work. Should the gradebook
        stay locked past SQLite's wait, it is retried once holding the lock."""
        try:
            return self._feedback(lab, student)
        except OperationalError:
            with self.writer:
                return self._feedback(lab, student)

    def _feedback(self, lab: str, student: str) -> list[Path]:
        cd = self._coursedir(lab, student)
        cfg = copy.deepcopy(self.config)
        pps = list(cfg.get("GenerateFeedback", {}).get("preprocessors", GenerateFeedback.preprocessors.default()))
        if StripHiddenTests not in pps:
            pps.insert(1, StripHiddenTests)
        cfg.GenerateFeedback.preprocessors = pps
        if "exporter_class" not in cfg.GenerateFeedback:  # a course that chose its own exporter keeps it
            cfg.GenerateFeedback.exporter_class = FeedbackExporter
        app = GenerateFeedback(coursedir=cd, config=cfg)
        app.force = True
        app.start()
        rendered = sorted((self.root / "feedback" / student / lab).glob("*.html"))
        self._check_hidden(lab, rendered)
        outbound = Path(cfg.Exchange.root) / cd.course_id / "feedback"
        _ReleaseFeedbackAsOwner(coursedir=cd, authenticator=Authenticator(config=cfg), config=cfg).start()
        # nbgrader names each released file by a hash of the submission's secret and the notebook (other jobs
        # release into the same folder at the same time, so a folder listing would not say which are this job's)
        secret = (self.root / "feedback" / student / lab / "submission_secret.txt").read_text()
        released = sorted(p for p in (outbound / f"{utils.notebook_hash(secret=secret, notebook_id=r.stem)}.html"
                                      for r in rendered) if p.exists())
        _chown_like(outbound, released)
        self._check_hidden(lab, released)
        return released

    def _give_to_course_owner(self, lab: str, student: str) -> None:
        """Run as root for the sandbox, the worker still leaves the course as the grader account's (the formgrader
        must be able to re-grade by hand): what this job wrote goes to the owner of the course folder."""
        owner = os.stat(self.root)
        if os.geteuid() != 0 or owner.st_uid == 0:
            return
        wrote = [self.root / step / student / lab for step in ("submitted", "autograded", "feedback")]
        wrote += [p.parent for p in wrote] + [self.root / "gradebook.db"]
        for top in wrote:
            for path in [top, *top.rglob("*")] if top.is_dir() else [top]:
                if path.exists() and not path.is_symlink():
                    os.chown(path, owner.st_uid, owner.st_gid)

    def _check_hidden(self, lab: str, files: list[Path]) -> None:
        snippets = [s for nb in sorted((self.root / "source" / lab).glob("*.ipynb")) for s in hidden_snippets(nb)]
        try:
            assert_no_hidden(files, snippets)
        except HiddenTestsLeak:
            for f in files:
                f.unlink(missing_ok=True)
            raise

    def grade_and_release(self, lab: str, student: str, source: Path, received_at: str | None = None) -> Outcome:
        """The whole job: collect, grade, feedback. Never raises for a submission's own faults."""
        try:
            return self._grade_and_release(lab, student, source, received_at)
        finally:
            self._give_to_course_owner(lab, student)

    def _grade_and_release(self, lab: str, student: str, source: Path, received_at: str | None) -> Outcome:
        try:
            notes = self.collect(source, lab, student, received_at)
        except intake.ForgedSubmission as forged:
            return Outcome(ok=False, reason=f"not graded: {forged} (a submission must be written by the "
                                            "participant it is filed under)")
        outcome = self.grade(lab, student)
        outcome.notes += notes
        if outcome.ok and not any((self.root / "autograded" / student / lab).glob("*.ipynb")):
            outcome.notes.append("no feedback: nothing could be graded")
        elif outcome.ok:
            try:
                outcome.feedback = self.feedback(lab, student)
            except HiddenTestsLeak as leak:
                outcome.notes.append(f"feedback withheld: {leak.message}")
            except Exception as exc:  # noqa: BLE001 -- the grade stands; the feedback failure is reported
                outcome.notes.append(f"feedback not released: {type(exc).__name__}: {exc}")
        return outcome


class _ReleaseFeedbackAsOwner(ExchangeReleaseFeedback):
    """nbgrader's release, for a worker running as root: the exchange's course folders belong to the grader
    account (nbgrader refuses folders its user does not own), so root accepts a folder owned by the owner of the
    course folder instead of insisting on owning it."""

    def ensure_directory(self, path, mode):
        if os.geteuid() == 0 and os.path.isdir(path) and not os.path.islink(path):
            course_owner = os.stat(self.coursedir.root).st_uid
            if os.stat(path).st_uid in (0, course_owner):
                return
        super().ensure_directory(path, mode)


def _chown_like(folder: Path, files: list[Path]) -> None:
    """Give released files the owner of the folder they were released to (root wrote them)."""
    if os.geteuid() != 0:
        return
    st = folder.stat()
    for f in files:
        os.chown(f, st.st_uid, st.st_gid)
        f.chmod(0o644)


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


def _job_logger(name: str) -> tuple[logging.Logger, list[str]]:
    """A logger of one grading run (nbgrader logs its errors, then raises a generic exception): what it logs at
    ERROR is kept for the job's reason, and still reaches the worker's log."""
    errors: list[str] = []
    job_log = logging.Logger(f"shiplab.grading.nbgrader.{name}", logging.INFO)
    job_log.parent = logging.getLogger("shiplab.grading.nbgrader")
    job_log.addHandler(_ListHandler(errors))
    return job_log, errors


def _converter_reason(errors: list[str], sandbox_reason: str | None) -> str:
    """One sentence from nbgrader's error log: the last line of the last traceback (the exception and message)."""
    tracebacks = [e for e in errors if e.lstrip().startswith("Traceback")]
    chosen = tracebacks[-1] if tracebacks else (errors[-1] if errors else "unknown error")
    text = [line.strip() for line in chosen.splitlines() if line.strip()][-1]
    if "NotJSONError" in text or "does not appear to be JSON" in text or "JSONDecodeError" in text:
        text = "the notebook is not valid JSON (the participant should open it, save it, and submit again)"
    return "; ".join(t for t in (sandbox_reason, f"nbgrader could not grade it: {text[:300]}") if t)
