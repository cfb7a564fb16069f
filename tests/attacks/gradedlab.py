"""A real lab graded through the sandboxed worker, for the attack tests: the lab copied as the course builds it
(with the instructor's ``shiplab_checks.py``), a throwaway course, submissions made from the reference solutions
with the attacker's cells in place, and the batch graded as the hub's worker does (``bench/grading.py``)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import NamedTuple

from shiplab.course.paths import CHECKS_MODULE, LAB_SOURCE_GLOB, LABS_DIR, REPO_ROOT


def bench():
    """``bench/grading.py`` as a module, loaded from its file (``bench/`` is scripts, not a package; a bare
    ``import grading`` would also meet ``tests/grading``)."""
    if "bench_grading" not in sys.modules:
        spec = importlib.util.spec_from_file_location("bench_grading", REPO_ROOT / "bench" / "grading.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # registered before it runs, as an import does
        spec.loader.exec_module(module)
    return sys.modules["bench_grading"]


class Graded(NamedTuple):
    cells: dict[str, float]  # test cell -> score
    feedback: str  # every output of the graded notebook, as one text


def grade(tmp_path: Path, lab: str, submissions: dict, parallel: int = 2) -> dict[str, Graded]:
    """Grade ``submissions`` (student -> a function of the reference answers, by grade id, giving that student's
    answers) of ``lab``, asserting every one was graded; what each got."""
    import gradekit

    kit = bench()
    fixture = tmp_path / "fixture" / lab
    shutil.copytree(LABS_DIR / lab, fixture, ignore=shutil.ignore_patterns(LAB_SOURCE_GLOB, "__pycache__"))
    shutil.copy2(CHECKS_MODULE, fixture / CHECKS_MODULE.name)
    course = kit.make_course(tmp_path / "state", fixture)
    try:
        answers = kit.solutions(fixture / f"{lab}.ipynb")
        for student, make in submissions.items():
            gradekit.submit(course, student, make(dict(answers)))
        _, summary, _ = kit.shiplab_batch(course, parallel)
        assert summary.graded == len(submissions) and summary.failed == 0, summary
        return {student: Graded(course.cell_scores(student), gradekit.outputs_text(course, student))
                for student in submissions}
    finally:
        gradekit.LAB = "mini"  # make_course pointed the grading kit at this lab
