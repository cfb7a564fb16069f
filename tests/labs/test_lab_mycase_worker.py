"""The "apply to my case" check through the grading worker participants meet (sandbox, judge, gradebook) and the
progress board that reads it: done only for the submission that hands in its own record.

``test_lab_grading`` grades with nbgrader in the kernel; the worker runs the test cells in the judge, apart from
the participant's kernel, which is where a test cell that leant on a solution cell's import failed. Parameterized
over the labs that have a ``my_case`` test cell."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from labkit import lab_ids, meta, read
from shiplab.course.authoring import reference_answers
from shiplab.course.paths import CHECKS_MODULE, GRADERS_DIR, LAB_SOURCE_GLOB, LABS_DIR
from shiplab.board.model import Member, build_board
from shiplab.board.sources import CoursePaths, CourseReader

pytestmark = pytest.mark.slow
MY_CASE_LABS = [lab for lab in lab_ids() if any(meta(c).get("grade") and meta(c).get("grade_id", "")
                                                .startswith("my_case") for c in read(lab).cells)]


@pytest.mark.parametrize("lab", MY_CASE_LABS)
def test_worker_and_board_see_my_case_done_only_with_the_record_handed_in(lab, tmp_path):
    """Graded by the sandboxed worker, is the solution handed in with its my-case.json 'my case: done' (full marks),
    and the same solution without the record, and the untouched notebook, 'my case: not done' on the board?"""
    import gradekit

    fixture = tmp_path / "fixture" / lab
    shutil.copytree(LABS_DIR / lab, fixture, ignore=shutil.ignore_patterns(LAB_SOURCE_GLOB, "__pycache__"))
    shutil.copy2(CHECKS_MODULE, fixture / CHECKS_MODULE.name)
    state = tmp_path / "state"
    course = gradekit.make_course(state, cell_timeout=60, lab_dir=fixture)
    answers = reference_answers(fixture / f"{lab}.ipynb")
    record = (GRADERS_DIR / lab / "my-case.json").read_text(encoding="utf-8")
    gradekit.submit(course, "solved", answers, files={"my-case.json": record})
    gradekit.submit(course, "norecord", answers)
    gradekit.submit(course, "stub")
    _, summary, _ = gradekit.worker_batch(course, 2)
    assert summary.graded == 3 and summary.failed == 0, summary
    labs, graded = CourseReader(CoursePaths(state, gradekit.COURSE)).grades()
    board = build_board(labs=[x for x in labs if x.name == lab], members=[Member(u) for u in
                                                                          ("solved", "norecord", "stub")],
                        attempts=[], graded=graded, now=dt.datetime.now(dt.timezone.utc))
    cells = {r.member.username: r.cells[0] for r in board.rows}
    messages = {g.student: g.failures for g in graded}
    assert cells["solved"].state == "passed" and cells["solved"].my_case is True, messages["solved"]
    assert [cells[u].my_case_label for u in ("solved", "norecord", "stub")] == [
        "my case: done", "my case: not done", "my case: not done"]
    messages = {student: failures.get(f"{lab}/my_case") for student, failures in messages.items()}
    assert messages["norecord"].startswith("MyCaseNotDone: my case not done"), messages
    failing = [k for k, ok in cells["norecord"].exercises.items() if not ok]
    assert failing == [f"{lab}/my_case"], failing  # the rest of the solution still passes
