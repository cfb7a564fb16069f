"""The wrong-answer runner on a small lab made here: does it count an answer as caught only when a test cell
fails (hidden tests included), stop answers that never end, notice a solution that fails its own tests, and refuse
wrong-answer files it cannot use?"""

import nbformat
import pytest
from click.testing import CliRunner

from shiplab.course import authoring
from shiplab.course.cli import course
from shiplab.course.wronganswers import WrongAnswerError, load_wrong_answers, run_lab

SOLUTION = '''
def double(n):
    """Twice n."""
    ### BEGIN SOLUTION
    return 2 * n
    ### END SOLUTION
'''
TESTS = '''
check_returns(double, 2, expected=4)
### BEGIN HIDDEN TESTS
check_returns(double, 5, expected=10, secret=True)
### END HIDDEN TESTS
'''
WRONG = {
    "adds_two": "def double(n):\n    return n + 2\n",  # passes the visible test, fails the hidden one
    "never_returns": "def double(n):\n    while True:\n        pass\n",
    "never_returns_swallows_errors": ("def double(n):\n    while True:\n        try:\n            sum(range(1000))\n"
                                      "        except Exception:\n            pass\n"),
    "same_in_other_words": "def double(n):\n    return n + n\n",  # not wrong at all: the tests must let it pass
    "syntax_error": "def double(n)\n    return 2 * n\n",
}


def make_lab(root, answers=WRONG, test_source=TESTS, setup_extra=""):
    labs, graders = root / "labs", root / "graders"
    (labs / "lab9-toy").mkdir(parents=True)
    cells = [authoring.text("intro", "# Toy"), authoring.code("setup", "from shiplab_checks import check_returns\n" + setup_extra),
             authoring.solution("double", SOLUTION), authoring.tests("test_double", test_source, points=1)]
    (labs / "lab9-toy" / "lab9-toy.ipynb").write_text(authoring.render(cells), encoding="utf-8")
    folder = graders / "lab9-toy" / "wrong_answers"
    folder.mkdir(parents=True)
    for name, source in answers.items():
        (folder / f"double__{name}.py").write_text(source, encoding="utf-8")
    return labs, graders


def test_counts_hidden_failures_timeouts_and_misses(tmp_path):
    """Is an answer caught by a hidden test counted, a never-ending one stopped and counted, a syntax error
    counted, and an equivalent answer reported as missed, with the share per exercise?"""
    labs, graders = make_lab(tmp_path)
    report = run_lab("lab9-toy", labs, graders, timeout=5)
    outcome = {o.name: o for o in report.outcomes}
    assert outcome["adds_two"].caught and "hidden test" in outcome["adds_two"].message
    assert outcome["never_returns"].caught and outcome["never_returns"].timed_out
    assert outcome["never_returns"].seconds < 15
    assert outcome["never_returns_swallows_errors"].caught and outcome["never_returns_swallows_errors"].timed_out
    assert outcome["syntax_error"].caught
    assert not outcome["same_in_other_words"].caught
    assert report.by_exercise() == {"double": (4, 5)} and report.share == 0.8 and not report.ok
    assert "MISSED double__same_in_other_words" in str(report) and report.solution_failures == []


def test_an_answer_that_hangs_only_in_the_forked_runner_is_decided_in_a_fresh_process(tmp_path):
    """Threaded libraries (chromadb) can hang in a forked child where a kernel would not: is such a hang decided
    again without fork — here an answer the tests do NOT catch, which must be reported missed, not caught?"""
    hangs_in_fork = ("import os, signal, time\n"
                     "if os.getpid() != SETUP_PID:  # a forked child: hang where no alarm reaches\n"
                     "    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})\n"
                     "    time.sleep(3600)\n"
                     "def double(n):\n    return n + n\n")
    labs, graders = make_lab(tmp_path, {"fine_but_hangs_in_fork": hangs_in_fork}, setup_extra="import os\n"
                             "SETUP_PID = os.getpid()")
    report = run_lab("lab9-toy", labs, graders, timeout=2)
    (outcome,) = report.outcomes
    assert not outcome.caught and not outcome.timed_out, outcome


def test_reports_a_solution_that_fails_its_own_tests(tmp_path):
    """If the instructor's solution fails a test cell, is that reported (so 'caught' cannot be trusted)?"""
    labs, graders = make_lab(tmp_path, {"adds_two": WRONG["adds_two"]},
                             TESTS.replace("expected=10", "expected=11"))
    report = run_lab("lab9-toy", labs, graders, timeout=5)
    assert report.solution_failures and report.solution_failures[0].startswith("test_double:")
    assert not report.ok


@pytest.mark.parametrize("name,source,message", [
    ("double_no_separator", "def double(n):\n    return n\n", "file name is <grade_id>__<what-is-wrong>.py"),
    ("triple__wrong_cell", "def triple(n):\n    return n\n", "has no solution cell 'triple'"),
    ("double__is_the_solution", "def double(n):\n    \"\"\"Twice n.\"\"\"\n    return 2 * n\n", "is the solution"),
])
def test_refuses_unusable_wrong_answer_files(tmp_path, name, source, message):
    """Is a wrong-answer file with a bad name, a cell the lab lacks, or the solution itself refused by name?"""
    labs, graders = make_lab(tmp_path, {})
    (graders / "lab9-toy" / "wrong_answers" / f"{name}.py").write_text(source, encoding="utf-8")
    with pytest.raises(WrongAnswerError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_wrong_answers("lab9-toy", labs, graders)


def test_a_patch_is_the_solution_with_the_mistake_and_a_stale_one_says_so(tmp_path):
    """Is a .patch wrong answer the solution with only its mistake applied (and run like a .py one), and is a patch
    the solution has changed under refused, naming the line that no longer matches?"""
    from shiplab.course.wronganswers import make_patch

    labs, graders = make_lab(tmp_path, {})
    patch = make_patch(SOLUTION, "\ndef double(n):\n    \"\"\"Twice n.\"\"\"\n    return 3 * n\n", "triples")
    assert "-    return 2 * n" in patch and "+    return 3 * n" in patch and "def double" in patch
    (graders / "lab9-toy" / "wrong_answers" / "double__triples.patch").write_text(patch, encoding="utf-8")
    (answer,) = load_wrong_answers("lab9-toy", labs, graders)
    assert answer.source.strip().endswith("return 3 * n") and '"""Twice n."""' in answer.source
    report = run_lab("lab9-toy", labs, graders, timeout=5)
    assert report.caught == 1 and report.ok
    stale = patch.replace("-    return 2 * n", "-    return 2 * int(n)")
    (graders / "lab9-toy" / "wrong_answers" / "double__triples.patch").write_text(stale, encoding="utf-8")
    with pytest.raises(WrongAnswerError, match=r"no longer applies to the solution of 'double'.*return 2 \* n"):
        load_wrong_answers("lab9-toy", labs, graders)


def test_cli_names_a_mistyped_lab():
    """Does `shiplab course wrong-answers` answer a mistyped lab id with a sentence and exit 2?"""
    result = CliRunner().invoke(course, ["wrong-answers", "lab1-backlgo"])
    assert result.exit_code == 2 and "did you mean 'lab1-backlog'" in result.output


def test_explore_cells_are_not_run_and_progress_is_counted(tmp_path):
    """Are explore cells (unlocked, ungraded) skipped, as the judge skips them at grading (a chromadb query in one
    hung in the forked runner; this one ends the process), and does the run count the answers it has decided, for
    the progress bar?"""
    import time

    from shiplab.course.wronganswers import start_lab

    labs, graders = make_lab(tmp_path, answers={"adds_two": "def double(n):\n    return n + 2"})
    path = labs / "lab9-toy" / "lab9-toy.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("import os\nos._exit(3)  # an explore cell that ends its kernel",
                                                  metadata={"nbgrader": {"grade": False, "grade_id": "explore",
                                                                         "locked": False, "schema_version": 3,
                                                                         "solution": False, "task": False}}))
    nbformat.write(nb, str(path))
    started = time.monotonic()
    run = start_lab("lab9-toy", labs, graders, timeout=5)
    while run.running():
        time.sleep(0.2)
    assert run.done() == 1
    report = run.wait()
    assert report.caught == 1 and not report.solution_failures
    assert time.monotonic() - started < 60
