"""Can a lab's tests be fooled? Run its plausible wrong answers against them and count how many are caught.

Each lab keeps wrong answers in ``graders/<lab-id>/wrong_answers/<grade_id>__<what-is-wrong>.patch``: a unified
diff against solution cell ``<grade_id>`` (its source without the solution markers) that makes it wrong the way a
participant might (see :mod:`shiplab.course.authoring`). A patch holds only the mistake, so the rest of the solution
is written once; when the solution changes under a patch, it no longer applies and says so. An answer that shares
little with the solution can be the whole cell source instead, ``<grade_id>__<what-is-wrong>.py``. A
wrong answer is *caught* when at least one test cell of the notebook (visible or hidden) fails with it in place,
i.e. it would lose points at grading. A lab's tests must catch at least :data:`REQUIRED_SHARE` of its wrong answers.

How it runs, cheaply enough for a 2-core CI machine: one worker process per lab (``python -m
shiplab.course.wrongworker``) executes the instructor's notebook cell by cell in an IPython shell, as a kernel
would, in a scratch copy of the lab folder, offline (no gateway, an empty home folder, one thread per library). On
reaching a solution cell that has wrong answers it forks once per wrong answer: the child runs the wrong answer in
place of the solution, then the following cells until the first test cell fails, and reports; the parent goes on
with the right solution. So the shared set-up (imports, data loading, embeddings) runs once per lab, and each wrong
answer costs only the cells after it. Each cell runs under the per-cell time limit and is interrupted past it, as
nbgrader's ``Execute.timeout`` does (so an answer that never ends fails the test cell that calls it); a child
still running after five times the limit, or one that dies, is killed and its answer decided again in a fresh
process without fork (threaded libraries such as chromadb can hang in a forked child where a kernel would not). The instructor's own solution must pass
every test cell in the same run; if it does not, the report says which, since then "caught" means nothing.

:func:`run_lab` runs a lab's set and returns a :class:`LabReport` (share caught, per exercise, what was missed);
:func:`start_lab` starts the same run in the background (CI overlaps it with nbgrader's grading on the second
core). ``shiplab course wrong-answers LAB`` prints the report.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from shiplab.course import labcheck, paths
from shiplab.errors import ShiplabError

REQUIRED_SHARE = 0.95
DEFAULT_TIMEOUT = 60.0  # seconds per cell, as graders/nbgrader_config.py gives nbgrader
SEPARATOR = "__"


class WrongAnswerError(ShiplabError):
    """A wrong-answer set that cannot be run (a file naming no solution cell, an 'answer' equal to the solution)."""


@dataclass(frozen=True)
class WrongAnswer:
    grade_id: str  # the solution cell it replaces
    name: str  # what is wrong with it, from the file name
    path: str
    source: str


@dataclass
class Outcome:
    grade_id: str
    name: str
    caught: bool
    failed_test: str = ""  # the first test cell that failed
    message: str = ""  # its error, first line
    seconds: float = 0.0
    timed_out: bool = False


@dataclass
class LabReport:
    lab: str
    outcomes: list[Outcome] = field(default_factory=list)
    solution_failures: list[str] = field(default_factory=list)  # "test cell: error" where the solution itself fails
    seconds: float = 0.0

    @property
    def caught(self) -> int:
        return sum(o.caught for o in self.outcomes)

    @property
    def share(self) -> float:
        return self.caught / len(self.outcomes) if self.outcomes else 0.0

    @property
    def ok(self) -> bool:
        return bool(self.outcomes) and not self.solution_failures and self.share >= REQUIRED_SHARE

    def by_exercise(self) -> dict[str, tuple[int, int]]:
        """grade id of each solution cell -> (caught, total), in notebook order."""
        out: dict[str, tuple[int, int]] = {}
        for o in self.outcomes:
            caught, total = out.get(o.grade_id, (0, 0))
            out[o.grade_id] = (caught + o.caught, total + 1)
        return out

    def missed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.caught]

    def summary(self) -> str:
        """One line: the share caught, as CI logs show it."""
        return (f"wrong answers {self.lab}: {self.caught}/{len(self.outcomes)} caught ({self.share:.0%}, "
                f"required {REQUIRED_SHARE:.0%}) in {self.seconds:.1f} s")

    def __str__(self) -> str:
        lines = [self.summary()]
        for gid, (caught, total) in self.by_exercise().items():
            lines.append(f"  {gid:<32} {caught}/{total} caught")
        lines += [f"  MISSED {o.grade_id}__{o.name}: passes every test cell" for o in self.missed()]
        lines += [f"  SOLUTION FAILS {failure}" for failure in self.solution_failures]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"lab": self.lab, "caught": self.caught, "total": len(self.outcomes), "share": self.share,
                "seconds": self.seconds, "solution_failures": self.solution_failures,
                "outcomes": [asdict(o) for o in self.outcomes]}


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _unmarked(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line).strip()


def answers_dir(lab: str, graders_dir: Path = paths.GRADERS_DIR) -> Path:
    return graders_dir / lab / "wrong_answers"


def solution_base(solution_source: str) -> str:
    """What a wrong answer's patch applies to: the solution cell without its BEGIN/END SOLUTION lines."""
    return _unmarked(solution_source) + "\n"


def apply_patch(base: str, patch: str) -> str:
    """``base`` with the unified diff ``patch`` applied, strictly: every context and removed line must match where
    its hunk says (no fuzz), else ValueError naming the first line that differs."""
    import re

    lines = base.splitlines(keepends=True)
    out: list[str] = []
    pos = 0  # next line of ``lines`` not yet copied
    hunk_re = re.compile(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@")
    body = patch.splitlines(keepends=True)
    i = 0
    while i < len(body) and not body[i].startswith("@@"):
        i += 1  # the ---/+++ header
    while i < len(body):
        m = hunk_re.match(body[i])
        if not m:
            raise ValueError(f"patch line {i + 1} is not a hunk header: {body[i].rstrip()!r}")
        start = max(int(m.group(1)) - 1, 0)
        if start < pos:
            raise ValueError(f"hunks overlap at patch line {i + 1}")
        out.extend(lines[pos:start])
        pos = start
        i += 1
        last = ""
        while i < len(body) and not body[i].startswith("@@"):
            tag, text = body[i][:1], body[i][1:]
            if tag == "\\":  # "\ No newline at end of file": the line written before has none
                if last in (" ", "+") and out:
                    out[-1] = out[-1].rstrip("\n")
                i += 1
                continue
            last = tag
            if tag in (" ", "-"):
                if pos >= len(lines) or lines[pos].rstrip("\n") != text.rstrip("\n"):
                    found = lines[pos].rstrip() if pos < len(lines) else "the end of the cell"
                    raise ValueError(f"line {pos + 1} of the solution is {found!r}, the patch expects "
                                     f"{text.rstrip()!r}")
                if tag == " ":
                    out.append(lines[pos])
                pos += 1
            elif tag == "+":
                out.append(text)
            else:
                raise ValueError(f"patch line {i + 1} starts with {tag!r}, not ' ', '-' or '+'")
            i += 1
    out.extend(lines[pos:])
    return "".join(out)


def make_patch(solution_source: str, wrong_source: str, name: str) -> str:
    """The patch that :func:`apply_patch` turns the solution into ``wrong_source`` with (for authors)."""
    import difflib

    return "".join(difflib.unified_diff(solution_base(solution_source).splitlines(keepends=True),
                                        wrong_source.splitlines(keepends=True), "solution", name, n=2))


def load_wrong_answers(lab: str, labs_dir: Path = paths.LABS_DIR,
                       graders_dir: Path = paths.GRADERS_DIR) -> list[WrongAnswer]:
    """The lab's wrong answers, each checked against its notebook's solution cells (raise if one is unusable)."""
    notebooks = labcheck.check_lab(lab, labs_dir)
    solutions = {}
    for nb_path in notebooks:
        nb = nbformat.read(str(nb_path), as_version=4)
        solutions.update({_meta(c)["grade_id"]: c.source for c in nb.cells if _meta(c).get("solution")})
    folder = answers_dir(lab, graders_dir)
    answers = []
    files = sorted([*folder.glob("*.py"), *folder.glob("*.patch")]) if folder.is_dir() else []
    for path in files:
        grade_id, sep, name = path.stem.partition(SEPARATOR)
        if not sep or not name:
            raise WrongAnswerError(f"{path}: a wrong answer's file name is <grade_id>{SEPARATOR}<what-is-wrong>.py "
                                   "(or .patch, a diff against the solution).",
                                   hint=f"rename it, e.g. {next(iter(solutions), 'my_function')}{SEPARATOR}"
                                        "ignores_case.patch")
        if grade_id not in solutions:
            raise WrongAnswerError(f"{path}: lab {lab!r} has no solution cell {grade_id!r}.",
                                   hint=f"solution cells: {', '.join(solutions) or 'none'}.")
        source = path.read_text(encoding="utf-8")
        if path.suffix == ".patch":
            try:
                source = apply_patch(solution_base(solutions[grade_id]), source)
            except ValueError as exc:
                raise WrongAnswerError(f"{path} no longer applies to the solution of {grade_id!r}: {exc}.",
                                       hint="the solution changed under it: make the mistake again on the new "
                                            "solution and save the diff (shiplab.course.wronganswers.make_patch)."
                                       ) from None
        if _unmarked(source) == _unmarked(solutions[grade_id]):
            raise WrongAnswerError(f"{path} is the solution itself, not a wrong answer.",
                                   hint="change it the way a participant plausibly gets it wrong.")
        answers.append(WrongAnswer(grade_id, name, str(path), source))
    return answers


def run_lab(lab: str, labs_dir: Path = paths.LABS_DIR, graders_dir: Path = paths.GRADERS_DIR, *,
            timeout: float = DEFAULT_TIMEOUT, only: list[str] | None = None) -> LabReport:
    """Run every wrong answer of ``lab`` (or those whose ``grade_id__name`` is in ``only``) against its tests."""
    return start_lab(lab, labs_dir, graders_dir, timeout=timeout, only=only).wait()


class WrongAnswerRun:
    """A wrong-answer run under way in its own process (:func:`start_lab`); :meth:`wait` gives its report. Lets a
    caller do other work meanwhile, e.g. autograde on the second core."""

    def __init__(self, lab: str, answers: list[WrongAnswer], timeout: float, labs_dir: Path, graders_dir: Path):
        self.lab, self.answers, self.timeout = lab, answers, timeout
        self.started = time.monotonic()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"wrong-{lab}-"))
        work = self.tmp / lab
        shutil.copytree(labs_dir / lab, work, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__",
                                                                            paths.LAB_SOURCE_GLOB))
        checks = graders_dir / paths.CHECKS_MODULE.name
        checks = checks if checks.exists() else paths.CHECKS_MODULE
        if checks.exists():  # as the course build does: the test-cell helpers sit next to the notebook
            shutil.copy2(checks, work / paths.CHECKS_MODULE.name)
        if (graders_dir / lab / "my-case.json").exists():  # the solved "apply to my case" record (mycase.py)
            shutil.copy2(graders_dir / lab / "my-case.json", work / "my-case.json")
        home = self.tmp / "home"
        home.mkdir()
        spec = self.tmp / "spec.json"
        self.results = self.tmp / "results.json"
        notebook = next(work.glob("*.ipynb"))
        self.progress = self.tmp / "progress"
        spec.write_text(json.dumps({"notebook": str(notebook), "timeout": timeout, "results": str(self.results),
                                    "progress": str(self.progress), "answers": [asdict(a) for a in answers]}),
                        encoding="utf-8")
        self.log = self.tmp / "worker.log"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "shiplab.course.wrongworker", str(spec)], cwd=work,
                                         env=offline_env(home), stdout=out, stderr=subprocess.STDOUT)

    def done(self) -> int:
        """How many of its wrong answers the run has decided so far."""
        try:
            return int(self.progress.read_text(encoding="utf-8") or 0)
        except (OSError, ValueError):
            return 0

    def running(self) -> bool:
        return self.proc.poll() is None

    def cancel(self) -> None:
        """Stop the run if it is still going, and remove its scratch folder."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def wait(self) -> LabReport:
        try:
            try:
                code = self.proc.wait(timeout=self.timeout * 5 * (len(self.answers) + 10))
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait()
            if code != 0 or not self.results.exists():
                tail = self.log.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise WrongAnswerError(f"the wrong-answer run of lab {self.lab!r} stopped (exit {code}).",
                                       hint=f"its output ended with:\n{tail}")
            data = json.loads(self.results.read_text(encoding="utf-8"))
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
        report = LabReport(self.lab, [Outcome(**o) for o in data["outcomes"]], data["solution_failures"])
        report.seconds = time.monotonic() - self.started
        return report


def start_lab(lab: str, labs_dir: Path = paths.LABS_DIR, graders_dir: Path = paths.GRADERS_DIR, *,
              timeout: float = DEFAULT_TIMEOUT, only: list[str] | None = None) -> WrongAnswerRun:
    """Start running the wrong answers of ``lab`` in the background; ``.wait()`` on the result for the report."""
    answers = load_wrong_answers(lab, labs_dir, graders_dir)
    if only is not None:
        answers = [a for a in answers if f"{a.grade_id}{SEPARATOR}{a.name}" in only]
    if not answers:
        raise WrongAnswerError(f"lab {lab!r} has no wrong answers to run in {answers_dir(lab, graders_dir)}.",
                               hint=f"add files named <grade_id>{SEPARATOR}<what-is-wrong>.py there "
                                    "(see src/shiplab/course/authoring.py).")
    return WrongAnswerRun(lab, answers, timeout, labs_dir, graders_dir)


def offline_env(home: Path) -> dict[str, str]:
    """The environment grading runs in: no model gateway, no participant backlog, one thread per library (which
    also keeps forking safe)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHIPLAB_GATEWAY", "JPY_", "JUPYTERHUB_"))}
    env.update({"HOME": str(home), "IPYTHONDIR": str(home / ".ipython"), "SHIPLAB_EMBED_THREADS": "1",
                "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "TOKENIZERS_PARALLELISM": "false", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"})
    if "SHIPLAB_DATASETS" not in env:
        from shiplab.data.api import datasets_dir

        env["SHIPLAB_DATASETS"] = str(datasets_dir())
    return env
