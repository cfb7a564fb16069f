"""nbgrader's steps for one course, each safe to re-run, each reporting per lab and per participant.

The steps, in workshop order, all through :class:`nbgrader.apps.NbGraderAPI` (never a shell-out):

``ensure_course`` → ``sync_sources`` (``labs/<lab>`` → ``<course>/source/<lab>``) → ``build`` (nbgrader
*generate_assignment*: solutions and hidden tests out, lab added to the gradebook) → ``release`` (to the exchange's
``outbound``) → participants fetch and submit → ``collect`` → ``autograde`` → ``generate_feedback`` →
``release_feedback``.

Hidden tests never reach a participant: after ``build``, after ``release`` and after each feedback step the
outputs are scanned for hidden-test source (:mod:`shiplab.course.hidden`); a leak removes what leaked and raises.
One participant's broken notebook never stops a batch: every step returns a :class:`StepReport` listing what
succeeded, what failed (with a sentence saying why) and notes worth passing on.

On a hub with Unix accounts these run as the grader account (the CLI switches to it), so the course folder and the
gradebook stay the grader's.
"""

from __future__ import annotations

import os
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

from shiplab.course import config as config_mod
from shiplab.course import exchange as exchange_mod
from shiplab.course import labcheck, paths, students, submissions
from shiplab.course.exchange import ensure_exchange  # noqa: F401 -- one of the steps, re-exported
from shiplab.course.hidden import HiddenTestsLeak, assert_no_hidden, files_under, hidden_snippets
from shiplab.course.langinfo import fill_language_info

COURSE_FOLDERS = ("source", "release", "submitted", "autograded", "feedback")


@dataclass
class StepReport:
    """What one step did for one lab: who succeeded, who failed and why, and notes per participant."""

    step: str
    lab: str
    ok: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)

    def note(self, who: str, text: str) -> None:
        self.notes.setdefault(who, []).append(text)

    def __str__(self) -> str:
        lines = [f"{self.step} {self.lab}: {len(self.ok)} ok, {len(self.failed)} failed"]
        lines += [f"  {who}: {why}" for who, why in self.failed.items()]
        lines += [f"  {who}: note: {text}" for who, texts in self.notes.items() for text in texts]
        return "\n".join(lines)


class Course:
    """One nbgrader course on this hub: ``Course(state, "workshop")``; both default as in :mod:`.paths`."""

    def __init__(self, state: Path | None = None, course_id: str | None = None, labs_dir: Path = paths.LABS_DIR,
                 overrides: Config | None = None, graders: Path = paths.GRADERS_CONFIG,
                 progress: Callable[[str], None] | None = None):
        self.state = Path(state) if state else paths.state_dir()
        self.id = paths.course_id(course_id)
        self.labs_dir, self.graders = labs_dir, graders
        self.overrides = overrides or Config()
        self.dir = paths.course_dir(self.state, self.id)
        self.exchange = paths.exchange_root(self.state)
        self.progress = progress or (lambda message: None)

    # ---- set-up
    def ensure(self) -> Path:
        """Course folder (private: 0700) with nbgrader's folders and its nbgrader_config.py; safe to re-run."""
        self.dir.mkdir(parents=True, exist_ok=True)
        for parent, mode in ((self.dir.parent, 0o711), (self.dir, 0o700)):
            if parent.stat().st_uid == os.geteuid():
                parent.chmod(mode)
        for name in COURSE_FOLDERS:
            (self.dir / name).mkdir(exist_ok=True)
        config_mod.write_course_config(self.id, self.state, self.graders)
        return self.dir

    def ensure_exchange(self) -> Path:
        return exchange_mod.ensure_exchange(self.state, self.id)

    def config(self) -> Config:
        return config_mod.course_config(self.id, self.state, self.overrides, self.graders)

    @contextmanager
    def api(self) -> Iterator[NbGraderAPI]:
        """nbgrader's API for this course, run from the course folder (some nbgrader paths are relative)."""
        self.ensure()
        if not self.exchange.is_dir():
            exchange_mod.ensure_exchange_root(self.state)
        _venv_tools_on_path()
        before = os.getcwd()
        os.chdir(self.dir)
        try:
            yield NbGraderAPI(config=self.config())
        finally:
            os.chdir(before)

    # ---- sources
    def check_lab(self, lab: str) -> list[Path]:
        """The lab's notebooks, checked (see :mod:`.labcheck`); raises a :class:`LabError` that says how to fix."""
        return labcheck.check_lab(lab, self.labs_dir)

    def sync_sources(self, labs: list[str] | None = None) -> list[str]:
        """Copy each lab (default: all) into the course's ``source/``, with the test-cell helpers beside it."""
        self.ensure()
        labs = labs if labs is not None else paths.lab_ids(self.labs_dir)
        for lab in labs:
            self.check_lab(lab)
            dest = self.dir / "source" / lab
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(self.labs_dir / lab, dest,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc",
                                                         paths.LAB_SOURCE_GLOB))  # solutions + hidden tests
            if paths.CHECKS_MODULE.exists():  # released with the lab; autograde overwrites any edited copy
                shutil.copy2(paths.CHECKS_MODULE, dest / paths.CHECKS_MODULE.name)
        return labs

    def hidden_snippets(self, lab: str) -> list[str]:
        return [s for nb in sorted((self.dir / "source" / lab).glob("*.ipynb")) for s in hidden_snippets(nb)]

    def _guard(self, lab: str, folders: list[Path], where: str) -> None:
        """Scan ``folders`` for hidden tests of ``lab``; on a leak remove them and raise."""
        try:
            assert_no_hidden(files_under(*folders), self.hidden_snippets(lab))
        except HiddenTestsLeak as leak:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
            raise HiddenTestsLeak(f"{where} of lab {lab!r} would have shown hidden tests ({leak.message}); "
                                  "removed it") from None

    # ---- the steps
    def build(self, lab: str) -> StepReport:
        """Sync ``labs/<lab>`` and generate the participant version (no solutions, no hidden tests)."""
        report = StepReport("build", lab)
        self.sync_sources([lab])
        self.progress(f"building {lab} …")
        with self.api() as api:
            result = api.generate_assignment(lab, force=True, create=True)
        if not result["success"]:
            report.failed[lab] = _explain(result)
            return report
        self._guard(lab, [self.dir / "release" / lab], "the participant version")
        fill_language_info(self.dir / "release" / lab)  # else JupyterLab shows it unsaved on opening
        students.sync_roster(self.state, self.id)  # the first build makes the gradebook: the roster's names in it
        for cached in (cache_sample_embeddings(self.labs_dir, [lab]), cache_sample_documents(self.labs_dir, [lab])):
            if cached and not cached.endswith("up to date"):
                report.note(lab, cached)
        report.ok.append(lab)
        return report

    def release(self, lab: str) -> StepReport:
        """Build ``lab`` and release it to the exchange, replacing an earlier release."""
        built = self.build(lab)
        if built.failed:
            built.step = "release"
            return built
        report = StepReport("release", lab)
        self.ensure_exchange()
        self.progress(f"releasing {lab} …")
        with self.api() as api:
            result = api.release_assignment(lab)
        self._guard(lab, [self.exchange / self.id / "outbound" / lab], "the released copy")
        (report.ok.append(lab) if result["success"] else report.failed.__setitem__(lab, _explain(result)))
        return report

    def collect(self, lab: str) -> StepReport:
        """Collect the latest submission of each participant from the exchange."""
        labcheck.find_lab(lab, self.labs_dir)
        report = StepReport("collect", lab)
        self.ensure_exchange()
        self.progress(f"collecting {lab} …")
        with self.api() as api:
            result = api.collect(lab, update=True)
        if not result["success"]:
            report.failed["collect"] = _explain(result)
        report.ok += self.submitted_students(lab)
        return report

    def submitted_students(self, lab: str) -> list[str]:
        return sorted(p.parent.name for p in (self.dir / "submitted").glob(f"*/{lab}") if p.is_dir())

    def autograde(self, lab: str, students: list[str] | str | None = None) -> StepReport:
        """Grade each collected submission (default: all). A notebook that is not JSON, lacks test cells or loops
        forever is reported or graded, and never stops the batch."""
        labcheck.find_lab(lab, self.labs_dir)
        report = StepReport("autograde", lab)
        released = self.dir / "release" / lab
        if not released.is_dir():
            report.failed[lab] = f"lab {lab!r} was never built here: run `shiplab course build {lab}` first"
            return report
        wanted = [students] if isinstance(students, str) else list(students or self.submitted_students(lab))
        with self.api() as api:
            for n, student in enumerate(wanted, start=1):
                self.progress(f"autograding {lab} for {student} ({n}/{len(wanted)}) …")
                self._grade_one(api, lab, student, released, report)
        return report

    def _grade_one(self, api: NbGraderAPI, lab: str, student: str, released: Path, report: StepReport) -> None:
        submitted = self.dir / "submitted" / student / lab
        if not submitted.is_dir():
            report.failed[student] = f"no collected submission in {submitted}: run `shiplab course collect {lab}`"
            return
        try:
            for text in submissions.before_grading(submitted, released):
                report.note(student, text)
        except submissions.Unreadable as exc:
            report.failed[student] = str(exc)
            return
        try:
            result = api.autograde(lab, student, force=True, create=True)
        except Exception as exc:  # noqa: BLE001 -- nbgrader raises on some malformed notebooks; batch goes on
            report.failed[student] = f"could not be graded: {type(exc).__name__}: {exc}"
            return
        if not result["success"]:
            report.failed[student] = _explain(result)
            return
        report.ok.append(student)
        for text in submissions.after_grading(self.dir / "autograded" / student / lab):
            report.note(student, text)

    def generate_feedback(self, lab: str, students: list[str] | None = None) -> StepReport:
        """Render feedback HTML for graded participants (hidden tests stripped, then checked)."""
        labcheck.find_lab(lab, self.labs_dir)
        report = StepReport("feedback", lab)
        self.progress(f"generating feedback for {lab} …")
        with self.api() as api:
            for student in students or [None]:
                result = api.generate_feedback(lab, student_id=student, force=True)
                if not result["success"]:
                    report.failed[student or "generate"] = _explain(result)
        folders = sorted(p for p in (self.dir / "feedback").glob(f"*/{lab}") if p.is_dir())
        self._guard(lab, folders, "feedback")
        report.ok += [p.parent.name for p in folders if not students or p.parent.name in students]
        return report

    def release_feedback(self, lab: str, students: list[str] | None = None) -> StepReport:
        """Hand generated feedback to participants through the exchange (checked again once there)."""
        labcheck.find_lab(lab, self.labs_dir)
        report = StepReport("release feedback", lab)
        self.ensure_exchange()
        self.progress(f"releasing feedback for {lab} …")
        with self.api() as api:
            for student in students or [None]:
                result = api.release_feedback(lab, student_id=student)
                if not result["success"]:
                    report.failed[student or "release"] = _explain(result)
        assert_no_hidden_or_remove(files_under(self.exchange / self.id / "feedback"), self.hidden_snippets(lab))
        report.ok += [p.parent.name for p in (self.dir / "feedback").glob(f"*/{lab}")
                      if not students or p.parent.name in students]
        return report

    def feedback(self, lab: str, students: list[str] | None = None) -> StepReport:
        """Generate and release feedback in one step (one report: the generation's, or the first failure)."""
        generated = self.generate_feedback(lab, students)
        if generated.failed:
            return generated
        released = self.release_feedback(lab, students)
        released.step = "feedback"
        return released

    def scores(self, lab: str) -> dict[str, tuple[float, float]]:
        """Participant -> (score, max score) from the gradebook, for everyone graded in ``lab``."""
        out: dict[str, tuple[float, float]] = {}
        db = self.dir / "gradebook.db"
        if not db.exists():
            return out
        with Gradebook(f"sqlite:///{db}", self.id) as gb:
            for student in self.submitted_students(lab):
                try:
                    sub = gb.find_submission(lab, student)
                except MissingEntry:
                    continue
                out[student] = (sub.score, sub.max_score)
        return out


def assert_no_hidden_or_remove(files: list[Path], snippets: list[str]) -> None:
    """Like :func:`assert_no_hidden`, but first removes every leaking file so nobody can fetch it."""
    leaking = []
    for f in files:
        try:
            assert_no_hidden([f], snippets)
        except HiddenTestsLeak:
            leaking.append(f)
    for f in leaking:
        f.unlink(missing_ok=True)
    if leaking:
        raise HiddenTestsLeak(f"released feedback {', '.join(f.name for f in leaking)} showed hidden tests; "
                              "removed from the exchange")


# ---- the course as a function of its id (for the hub and scripts)
def ensure_course(course_id: str | None = None, state: Path | None = None) -> Course:
    course = Course(state, course_id)
    course.ensure()
    return course


def cache_sample_embeddings(labs_dir: Path, labs: list[str]) -> str | None:
    """For labs whose notebooks embed texts: the read-only cache of the sample texts' vectors that every kernel looks
    up instead of running the model (:mod:`shiplab.rag.embcache`), made or refreshed; safe to re-run. What it did, in
    a sentence (``…: up to date`` when nothing changed); a cache that cannot be written is said, never raised: the
    kernels then embed those texts themselves, as without one."""
    if not any("shiplab.rag" in nb.read_text(encoding="utf-8", errors="replace")
               for lab in labs for nb in (labs_dir / lab).glob("*.ipynb")):
        return None
    from shiplab.rag.embcache import EmbeddingCacheError, ensure_sample_cache

    try:
        done = ensure_sample_cache()
    except EmbeddingCacheError as exc:
        return f"sample embeddings not cached (every kernel will embed them): {exc}"
    return str(done) + ("" if done.written else ": up to date")


def cache_sample_documents(labs_dir: Path, labs: list[str]) -> str | None:
    """For labs whose notebooks load the sample documents: the read-only cache of what the PDF and DOCX readers make
    of them, which every kernel looks up instead of importing pypdf and python-docx (:mod:`shiplab.data.doccache`),
    made or refreshed; safe to re-run. What it did, in a sentence; a cache that cannot be written is said, never
    raised: the kernels then read those files themselves, as without one."""
    if not any("load_sample_documents" in nb.read_text(encoding="utf-8", errors="replace")
               for lab in labs for nb in (labs_dir / lab).glob("*.ipynb")):
        return None
    from shiplab.data.doccache import DocumentCacheError, ensure_sample_cache

    try:
        return ensure_sample_cache()
    except DocumentCacheError as exc:
        return f"sample documents not cached (every kernel will read them): {exc}"


def _venv_tools_on_path() -> None:
    """nbgrader runs `alembic` (and kernels) from PATH; make it this environment's, however we were started."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def _explain(result: dict) -> str:
    text = (result.get("error") or result.get("log") or "").strip()
    last = [line for line in text.splitlines() if line.strip()][-3:]
    return " | ".join(last) or "failed without a message"
