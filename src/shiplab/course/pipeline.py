"""nbgrader's steps for one course, each safe to re-run, each reporting per lab and per participant.

Runs as the grader account (the CLI switches to it when started as root), so everything it writes in the course
folder stays the grader's. One participant's broken notebook never stops the rest of a batch: every step returns a
:class:`StepReport` listing what succeeded and, for what did not, a sentence saying why.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from shiplab.course import paths
from shiplab.course.hidden import assert_no_hidden, hidden_snippets
from shiplab.errors import ShiplabError


@dataclass
class StepReport:
    step: str
    lab: str
    ok: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        lines = [f"{self.step} {self.lab}: {len(self.ok)} ok, {len(self.failed)} failed"]
        lines += [f"  {who}: {why}" for who, why in self.failed.items()]
        return "\n".join(lines)


class Course:
    """One nbgrader course on this hub: ``Course(state, "workshop")``."""

    def __init__(self, state: Path, course_id: str, labs_dir: Path = paths.LABS_DIR, overrides: Config | None = None):
        self.state, self.id, self.labs_dir = state, course_id, labs_dir
        self.overrides = overrides or Config()
        self.dir = paths.course_dir(state, course_id)
        self.exchange = paths.exchange_root(state)

    # ---- set-up
    def ensure(self) -> None:
        """Course folder, its nbgrader config and the exchange root exist; safe to run every time."""
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / "nbgrader_config.py").write_text(paths.course_config_text(self.state, self.id))
        (self.dir / "source").mkdir(exist_ok=True)

    def config(self) -> Config:
        cfg = PyFileConfigLoader("nbgrader_config.py", path=str(self.dir)).load_config()
        cfg.ExchangeReleaseAssignment.force = True  # re-releasing a lab replaces it
        cfg.merge(self.overrides)
        return cfg

    def api(self) -> NbGraderAPI:
        os.chdir(self.dir)  # nbgrader resolves some paths against the working directory
        _venv_tools_on_path()
        return NbGraderAPI(config=self.config())

    def check_lab(self, lab: str) -> Path:
        src = self.labs_dir / lab
        if not src.is_dir():
            import difflib

            known = paths.lab_ids(self.labs_dir)
            close = difflib.get_close_matches(lab, known, n=1)
            raise ShiplabError(f"there is no lab {lab!r} in {self.labs_dir}.",
                               hint=(f"did you mean {close[0]!r}? " if close else "") + f"labs: {', '.join(known)}")
        if not any(src.glob("*.ipynb")):
            raise ShiplabError(f"lab {lab!r} has no notebook in {src}.", hint="add the lab's .ipynb file.")
        return src

    # ---- the steps
    def build(self, lab: str) -> StepReport:
        """Copy labs/<lab> into the course source and generate the participant version (no solutions)."""
        src = self.check_lab(lab)
        self.ensure()
        dest = self.dir / "source" / lab
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        report = StepReport("build", lab)
        result = self.api().generate_assignment(lab, force=True, create=True)
        if not result["success"]:
            report.failed[lab] = _explain(result)
            return report
        assert_no_hidden(list((self.dir / "release" / lab).rglob("*.ipynb")), self.hidden_snippets(lab))
        report.ok.append(lab)
        return report

    def release(self, lab: str) -> StepReport:
        report = StepReport("release", lab)
        if not (self.dir / "release" / lab).is_dir():
            built = self.build(lab)
            if built.failed:
                return built
        result = self.api().release_assignment(lab)
        assert_no_hidden(list((self.exchange / self.id / "outbound" / lab).rglob("*.ipynb")),
                         self.hidden_snippets(lab))
        (report.ok.append(lab) if result["success"] else report.failed.__setitem__(lab, _explain(result)))
        return report

    def collect(self, lab: str) -> StepReport:
        """Collect the latest submission of each participant."""
        report = StepReport("collect", lab)
        result = self.api().collect(lab, update=True)
        if not result["success"]:
            report.failed["collect"] = _explain(result)
        report.ok += self.submitted_students(lab)
        return report

    def submitted_students(self, lab: str) -> list[str]:
        sub = self.dir / "submitted"
        return sorted(p.parent.name for p in sub.glob(f"*/{lab}") if p.is_dir()) if sub.is_dir() else []

    def autograde(self, lab: str, students: list[str] | None = None) -> StepReport:
        """Grade each submission; a notebook that is broken or loops forever is reported, never stops the batch."""
        report = StepReport("autograde", lab)
        api = self.api()
        for student in students or self.submitted_students(lab):
            try:
                result = api.autograde(lab, student, force=True, create=True)
            except Exception as exc:  # nbgrader raises on some malformed notebooks
                report.failed[student] = f"could not be graded: {exc}"
                continue
            (report.ok.append(student) if result["success"] else
             report.failed.__setitem__(student, _explain(result)))
        return report

    def feedback(self, lab: str) -> StepReport:
        """Generate and release feedback (hidden tests stripped), for every graded participant."""
        report = StepReport("feedback", lab)
        api = self.api()
        result = api.generate_feedback(lab, force=True)
        if not result["success"]:
            report.failed["generate"] = _explain(result)
            return report
        assert_no_hidden(list((self.dir / "feedback").glob(f"*/{lab}/*.html")), self.hidden_snippets(lab))
        result = api.release_feedback(lab)
        if not result["success"]:
            report.failed["release"] = _explain(result)
        report.ok += sorted(p.parent.name for p in (self.dir / "feedback").glob(f"*/{lab}"))
        return report

    def scores(self, lab: str) -> dict[str, tuple[float, float]]:
        """Participant -> (score, max score) from the gradebook."""
        out = {}
        with Gradebook(f"sqlite:///{self.dir / 'gradebook.db'}") as gb:
            for student in self.submitted_students(lab):
                try:
                    sub = gb.find_submission(lab, student)
                except MissingEntry:
                    continue
                out[student] = (sub.score, sub.max_score)
        return out

    def hidden_snippets(self, lab: str) -> list[str]:
        return [s for nb in (self.dir / "source" / lab).glob("*.ipynb") for s in hidden_snippets(nb)]


def reject_forged_submissions(inbound: Path, rejected: Path, unix_prefix: str) -> list[tuple[str, str]]:
    """Move aside submissions whose name claims a participant other than the Unix account that wrote them.

    Runs as root (moving another account's folder needs it), before collecting."""
    moved = []
    if not inbound.is_dir():
        return moved
    for entry in inbound.iterdir():
        student = entry.name.split("+", 1)[0]
        try:
            owner = pwd.getpwuid(entry.stat().st_uid).pw_name
        except KeyError:
            owner = str(entry.stat().st_uid)
        if owner != f"{unix_prefix}{student}":
            rejected.mkdir(mode=0o700, exist_ok=True)
            shutil.move(str(entry), str(rejected / entry.name))
            moved.append((entry.name, f"filed as {student!r} but written by account {owner!r}: set aside"))
    return moved


def _venv_tools_on_path() -> None:
    """nbgrader runs `alembic` (and kernels) from PATH; make it this environment's, however we were started."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def _explain(result: dict) -> str:
    text = (result.get("error") or result.get("log") or "").strip()
    last = [line for line in text.splitlines() if line.strip()][-3:]
    return " | ".join(last) or "failed without a message"
