"""A real lab graded through the sandboxed worker, for the attack tests: the lab copied as the course builds it
(with the instructor's ``shiplab_checks.py``), a throwaway course, submissions made from the reference solutions
with the attacker's cells in place, and the batch graded as the hub's worker does (``gradekit.worker_batch``)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

from shiplab.course.authoring import reference_answers
from shiplab.course.paths import CHECKS_MODULE, LAB_SOURCE_GLOB, LABS_DIR


class Graded(NamedTuple):
    cells: dict[str, float]  # test cell -> score
    feedback: str  # every output of the graded notebook, as one text


def grade(tmp_path: Path, lab: str, submissions: dict, parallel: int = 2) -> dict[str, Graded]:
    """Grade ``submissions`` (student -> a function of the reference answers, by grade id, giving that student's
    answers) of ``lab``, asserting every one was graded; what each got."""
    import gradekit

    fixture = tmp_path / "fixture" / lab
    shutil.copytree(LABS_DIR / lab, fixture, ignore=shutil.ignore_patterns(LAB_SOURCE_GLOB, "__pycache__"))
    shutil.copy2(CHECKS_MODULE, fixture / CHECKS_MODULE.name)
    course = gradekit.make_course(tmp_path / "state", cell_timeout=60, lab_dir=fixture)
    answers = reference_answers(fixture / f"{lab}.ipynb")
    for student, make in submissions.items():
        gradekit.submit(course, student, make(dict(answers)))
    _, summary, _ = gradekit.worker_batch(course, parallel)
    assert summary.graded == len(submissions) and summary.failed == 0, summary
    return {student: Graded(course.cell_scores(student), gradekit.outputs_text(course, student))
            for student in submissions}
