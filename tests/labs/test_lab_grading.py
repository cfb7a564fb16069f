"""Every full-day lab through real nbgrader, as participants and graders meet it: the course builds the lab, the
instructor's solution submitted as a participant's notebook gets full marks, the untouched released stub gets
zero without the grader failing, and the lab's plausible wrong answers are caught (share printed per lab and kept
as a junit property, so it shows in the CI log).

Parameterized over ``labs/lab*``: a new lab is graded as soon as its folder appears."""

import datetime
import json
import os

import nbformat
import pytest

from labkit import file_submission, lab_ids, meta, read
from shiplab.course.build import Course
from shiplab.course.hidden import assert_no_hidden, files_under
from shiplab.course.paths import LABS_DIR
from shiplab.course.wronganswers import REQUIRED_SHARE, start_lab

pytestmark = pytest.mark.slow
LABS = lab_ids()
REPORT_DIR = os.environ.get("SHIPLAB_LAB_REPORTS")
# labs that end with a required "apply to my case" part (shiplab.course.mycase): a test cell named my_case
MY_CASE_LABS = [lab for lab in LABS if any(meta(c).get("grade") and meta(c).get("grade_id", "").startswith("my_case")
                                           for c in read(lab).cells)]  # where CI keeps wrong-answer reports (optional)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return Course(tmp_path_factory.mktemp("state"), "labtest")


@pytest.fixture(scope="module")
def wrong_answer_runs():
    """lab -> its wrong-answer run, started in the background the first time the lab is needed (so it runs on the
    second core while nbgrader grades)."""
    runs = {}

    def run(lab):
        if lab not in runs:
            runs[lab] = start_lab(lab)
        return runs[lab]

    yield run
    for started in runs.values():  # runs no test waited for (a failure stopped the session early)
        started.cancel()


@pytest.fixture(scope="module")
def grade(course, wrong_answer_runs):
    """A function: lab -> the autograde report, after building the lab and grading two submissions (once per
    lab): ``solution`` (the instructor's answers typed into the released notebook) and ``stub`` (the released
    notebook untouched)."""
    reports = {}

    def graded(lab):
        if lab not in reports:
            wrong_answer_runs(lab)
            built = course.build(lab)
            assert not built.failed, str(built)
            file_submission(course, lab, "solution", solved=True)
            file_submission(course, lab, "stub", solved=False)
            reports[lab] = course.autograde(lab, ["solution", "stub"])
        return reports[lab]

    return graded


@pytest.mark.parametrize("lab", LABS)
def test_released_lab_has_no_solutions_hidden_tests_or_source(course, grade, lab):
    """Does the participant version hold stubs instead of solutions, no hidden tests, no outputs, and neither the
    notebook's source (labs/<lab>/<lab>.pct.py) nor the wrong answers — in the release nor in the course's copy?"""
    grade(lab)
    released = course.dir / "release" / lab
    assert (LABS_DIR / lab / f"{lab}.pct.py").is_file()
    for folder in (released, course.dir / "source" / lab):
        assert not list(folder.glob("*.pct.py")), "the source holds the solutions: never copy it"
    assert_no_hidden(files_under(released), course.hidden_snippets(lab))
    nb = nbformat.read(str(released / f"{lab}.ipynb"), as_version=4)
    solutions = [c for c in nb.cells if meta(c).get("solution")]
    assert solutions and all("raise NotImplementedError()" in c.source and "BEGIN SOLUTION" not in c.source
                             for c in solutions)
    assert all(not c.get("outputs") for c in nb.cells)
    assert (released / "shiplab_checks.py").exists()


@pytest.mark.parametrize("lab", LABS)
def test_solution_gets_full_marks_and_stub_zero(course, grade, lab):
    """Does the instructor's solution, graded as a submission, score every point, and the released stub none,
    with neither submission failing or timing out in the grader?"""
    report = grade(lab)
    assert not report.failed, str(report)
    assert not report.notes, str(report)  # no cell timed out, nothing deleted or edited
    scores = {student: scores for student, scores in course.scores(lab).items()}
    score, max_score = scores["solution"]
    print(f"\n{lab}: solution {score:g}/{max_score:g}, stub {scores['stub'][0]:g}/{scores['stub'][1]:g}")
    assert max_score > 0 and score == max_score, f"{lab}: the solution scores {score:g}/{max_score:g}"
    assert scores["stub"] == (0.0, max_score), f"{lab}: the untouched stub scores {scores['stub']}"


@pytest.mark.parametrize("lab", LABS)
def test_solution_runs_clean_in_the_grading_sandbox(course, grade, lab):
    """Does the solution notebook run without a single error in the grading worker's sandbox (its own account,
    memory and CPU limits, no network), within nbgrader's per-cell timeout?"""
    grade(lab)
    from shiplab.grading.engine import submission_files
    from shiplab.grading.sandbox import Limits, Sandbox

    nb = nbformat.read(str(course.dir / "submitted" / "solution" / lab / f"{lab}.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmPeak')))"))
    # the default work folder: its slot locks are shared with every other user of the sandbox accounts
    submitted = course.dir / "submitted" / "solution" / lab
    # what the worker sends (engine.SandboxStep): every other plain file of the submission (lab 6's shipkit.py and
    # template/, my-case.json), the release's checks over the participant's copy
    files = submission_files(submitted)
    files["shiplab_checks.py"] = course.dir / "release" / lab / "shiplab_checks.py"
    result = Sandbox(slots=1).execute(
        json.loads(json.dumps(nb)), files,
        {"timeout": course.config().Execute.timeout})
    assert result.notebook is not None, f"{lab}: {result.reason}\n{result.log_tail}"
    errors = [(meta(c).get("grade_id"), o.get("ename"), o.get("evalue", "")[:200]) for c in result.notebook["cells"]
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{lab} fails in the grading sandbox: {errors}"
    peak_kb = int(result.notebook["cells"][-1]["outputs"][0]["text"])
    print(f"\n{lab}: {result.seconds:.1f} s in the sandbox, kernel VmPeak {peak_kb / 2**20:.2f} GiB "
          f"(limit {Limits().memory_bytes / 2**30:.2f} GiB)")


@pytest.mark.parametrize("lab", LABS)
def test_feedback_teaches_without_hidden_tests(course, grade, lab):
    """Is feedback generated for both submissions, passing the hidden-test guard, and does the stub's feedback say
    what to do?"""
    grade(lab)
    report = course.generate_feedback(lab, ["solution", "stub"])
    assert not report.failed and set(report.ok) == {"solution", "stub"}, str(report)
    pages = sorted((course.dir / "feedback" / "stub" / lab).glob("*.html"))
    assert pages and "still raises NotImplementedError: replace" in pages[0].read_text(encoding="utf-8")
    # this lab's feedback against this lab's hidden tests (another lab's visible code may share a short line)
    assert_no_hidden([f for student in ("solution", "stub") for f in files_under(course.dir / "feedback" / student / lab)],
                     course.hidden_snippets(lab))


@pytest.mark.parametrize("lab", LABS)
def test_wrong_answers_are_caught(wrong_answer_runs, lab, record_property):
    """Do the lab's tests reject at least 95% of its plausible wrong answers, with the instructor's solution
    passing every test in the same run?"""
    report = wrong_answer_runs(lab).wait()
    print("\n" + str(report))
    record_property(f"wrong_answers_caught_{lab}", f"{report.caught}/{len(report.outcomes)}")
    if REPORT_DIR:
        os.makedirs(REPORT_DIR, exist_ok=True)
        with open(os.path.join(REPORT_DIR, f"wrong-answers-{lab}.json"), "w", encoding="utf-8") as out:
            json.dump(report.to_dict(), out, indent=1)
    assert not report.solution_failures, f"the solution fails its own tests: {report.solution_failures}"
    assert report.share >= REQUIRED_SHARE, str(report)


@pytest.mark.parametrize("lab", MY_CASE_LABS)
def test_board_shows_my_case_not_done_for_the_stub_and_done_for_the_solution(course, grade, lab):
    """Does the progress board, reading what the grader wrote, show "my case: not done" for the untouched notebook
    (no my-case.json handed in) and "my case: done" for the solution handed in with its record?"""
    grade(lab)
    from shiplab.board.model import build_board
    from shiplab.board.model import Member
    from shiplab.board.sources import CoursePaths, CourseReader

    assert course.dir == CoursePaths(course.state, course.id).root
    labs, graded = CourseReader(CoursePaths(course.state, course.id)).grades()
    board = build_board(labs=[x for x in labs if x.name == lab], members=[Member("solution"), Member("stub")],
                        attempts=[], graded=graded, now=datetime.datetime.now(datetime.timezone.utc))
    cells = {r.member.username: r.cells[0] for r in board.rows}
    assert (cells["stub"].my_case, cells["stub"].my_case_label) == (False, "my case: not done")
    assert (cells["solution"].my_case, cells["solution"].my_case_label) == (True, "my case: done")
    stub = next(g for g in graded if g.student == "stub" and g.lab == lab)
    print(f"\n{lab}: the stub's my_case check on the board: {stub.failures.get(f'{lab}/my_case', '(no message)')}")
