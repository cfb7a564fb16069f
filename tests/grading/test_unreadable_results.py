"""What a participant's function returns that is not plain data — an object whose ``__reduce__`` runs code, one whose
``__repr__`` never ends, a dict whose keys raise — and a cell the kernel does not come back from: the judge runs none
of their code, the feedback names the real cause on the cell concerned, and the other cells grade as usual."""

from __future__ import annotations

import builtins

import nbformat
import pytest
from conftest import needs_root
from gradekit import RIGHT, grade_all, make_course, submit
from test_judge import PARTICIPANT, errors, run_tests

from shiplab.grading.sandbox import Limits

HOSTILE = PARTICIPANT + '''
from langchain_core.documents import Document

class Evil:
    def __reduce__(self):
        return (exec, ("import builtins; builtins.SHIPLAB_PWNED = True",))

    def __reduce_ex__(self, protocol):
        return self.__reduce__()

def evil(x):
    return Evil()

def evil_in_document(x):
    return Document(page_content="x", metadata={"payload": Evil()})

class Slow:
    def __repr__(self):
        while True:
            pass

def slow(x):
    return Slow()

class Broken(dict):
    def keys(self):
        raise RuntimeError("no keys")

    def __iter__(self):
        raise RuntimeError("no iteration")

def broken(x):
    return Broken(a=1)
'''
HOSTILE_NAMES = ["evil", "evil_in_document", "slow", "broken"]


@pytest.fixture
def hostile(monkeypatch):
    import test_judge

    monkeypatch.setattr(test_judge, "NAMES", test_judge.NAMES + HOSTILE_NAMES)
    monkeypatch.delattr(builtins, "SHIPLAB_PWNED", raising=False)
    return lambda tests, **kw: run_tests(tests, source=HOSTILE, **kw)


def test_an_object_whose_reduce_runs_code_never_runs_it_in_the_judge_and_is_named(hostile):
    """Does an object with a hostile ``__reduce__`` (alone, or inside a langchain Document) come back as a stand-in
    that runs nothing in the judge, whose failure names the participant's type and says to return plain data?"""
    out = hostile({"evil": 'check_returns(evil, 1, expected="x")',
                   "document": 'from langchain_core.documents import Document\nd = evil_in_document(1)\n'
                               'check_equal(d.page_content, "x")\nd.metadata["payload"]',
                   "after": "check_returns(add, 1, 1, expected=2)"})
    assert not hasattr(builtins, "SHIPLAB_PWNED"), "the participant's __reduce__ ran in the judge"
    [message] = errors(out["evil"])
    assert "It returned a Evil, a str was expected" in message, message
    assert "not plain data" in message and "return str, list, dict" in message, message
    assert errors(out["document"]) == [] and errors(out["after"]) == []


def test_a_result_whose_repr_never_ends_is_named_as_such_and_the_next_cell_grades(hostile):
    """Is a function that returns at once, but with an object whose ``__repr__`` loops, reported as the value that
    could not be read (not as a loop in the function), with the next test cell judged normally?"""
    out = hostile({"slow": "check_returns(slow, 1, expected=1)", "after": "check_returns(add, 1, 1, expected=2)"},
                  cell_timeout=2)
    [message] = errors(out["slow"])
    assert message.startswith("CellTimeoutError: your function returned a __main__.Slow object, and reading it "
                              "as data ran past the time limit"), message
    assert "return plain data" in message
    assert errors(out["after"]) == []


def test_under_hidden_tests_the_kernels_words_about_a_slow_result_are_not_shown(hostile):
    """Is the kernel's text about a result it could not read left out under the hidden tests (it could carry the
    hidden case's arguments)?"""
    out = hostile({"slow": "x = 1\n### BEGIN HIDDEN TESTS\ncheck_returns(slow, 1, expected=1)\n### END HIDDEN TESTS"},
                  cell_timeout=2)
    [message] = errors(out["slow"])
    assert message.startswith("CellTimeoutError: your function returned, but reading what it returned as data ran "
                              "past the time limit in a hidden test case") and "Slow" not in message, message


def test_a_result_that_raises_while_read_is_named_as_unreadable(hostile):
    """Is a dict subclass whose ``keys`` raise reported as a value that could not be read as data (its type named),
    not as the participant's RuntimeError from nowhere?"""
    out = hostile({"broken": "check_returns(broken, 1, expected={'a': 1})"})
    [message] = errors(out["broken"])
    assert "UnreadableResult" in message and "returned a __main__.Broken object that could not be read as data" \
        in message and "return plain data" in message, message


# --------------------------------------------------------------------------------------------- the real sandbox
ENDLESS_ERROR = '''class Bad(Exception):
    def __str__(self):
        while True:
            pass

def add(a, b):
    raise Bad()'''
STUBBORN = RIGHT["total_of"] + '''
import time
while True:
    try:
        time.sleep(1)
    except KeyboardInterrupt:
        pass'''


def _errors_by_cell(course, student: str) -> dict[str, list[str]]:
    nb = nbformat.read(str(course.root / "autograded" / student / "mini" / "mini.ipynb"), as_version=4)
    return {c.metadata.get("nbgrader", {}).get("grade_id", str(i)): [f"{o.ename}: {o.evalue}" for o in c.outputs
                                                                    if o.output_type == "error"]
            for i, c in enumerate(nb.cells) if c.cell_type == "code"}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("unreadable") / "state")
    submit(course, "endless", {**RIGHT, "add": ENDLESS_ERROR})
    submit(course, "stubborn", {**RIGHT, "total_of": STUBBORN})
    summary, queue, _ = grade_all(course, parallel=2, limits=Limits(total_timeout=40))
    return course, {j.student: j for j in queue.jobs()}


@needs_root
def test_an_error_whose_message_never_ends_fails_its_cells_only(graded):
    """In the real sandbox and judge: does a function raising an exception whose ``__str__`` never ends (the kernel's
    visible test cell hangs while showing it) fail the cells that call it, with total_of still graded — not the whole
    notebook 'could not be executed: CellTimeoutError … after 4 seconds'?"""
    course, jobs = graded
    cells = _errors_by_cell(course, "endless")
    assert course.cell_scores("endless")["test_total_of"] == 1, cells
    assert cells["test_total_of"] == [] and cells["test_add_visible"], cells
    assert not any("could not be executed" in e or "after 4 seconds" in e for es in cells.values() for e in es), cells
    assert "could not be executed" not in (jobs["endless"].reason or "")


@needs_root
def test_a_cell_that_never_comes_back_is_named_and_earlier_cells_are_not_timed_out(graded):
    """Does a solution cell that swallows every interrupt get the timeout on itself, the test cells the reason that
    names it (not '… after 4 seconds'), and the cells before it no timeout at all?"""
    course, jobs = graded
    cells = _errors_by_cell(course, "stubborn")
    assert course.scores()["stubborn"] == 0
    [stuck] = cells["total_of"]
    assert stuck.startswith("CellTimeoutError: A cell timed out: cell 5 (total_of) ran past the per-cell limit of "
                            "4 s and the kernel did not come back"), cells
    assert cells["add"] == [], cells  # the solution cell before it ran, and did not time out
    for test in ("test_add_visible", "test_add_hidden", "test_total_of"):
        [message] = cells[test]
        assert "cell 5 (total_of)" in message and "after 4 seconds" not in message, cells
    assert "cell 5 (total_of)" in jobs["stubborn"].reason
