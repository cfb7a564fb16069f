"""The judge and the kernel's side of it, over a real pipe between two processes (no sandbox, no notebook): what a
test cell sees of the participant's functions, and what the participant's code cannot change about it."""

from __future__ import annotations

import multiprocessing
import sys
import textwrap
import time

import pytest

from shiplab.course.paths import GRADERS_DIR
from shiplab.grading import judge

PARTICIPANT = '''
import logging

def add(a, b):
    return a + b

def sort_in_place(values):
    values.sort()
    return values

def call_twice(fn):
    fn(1)
    fn(2)
    return "called"

def ask(model, text):
    return model.invoke(text)

def warn(logger, text):
    logger.warning("checked %s", text)
    return None

def forever(x):
    while True:
        pass

class PriorityError(ValueError):
    pass

def strict(text):
    raise PriorityError(f"unknown priority {text!r}")

class Everything:
    def __eq__(self, other):
        return True

def liar():
    return Everything()

class Box:
    def __init__(self, value):
        self.value = value

    def doubled(self):
        return self.value * 2

def make_box(value):
    return Box(value)
'''
NAMES = ["add", "sort_in_place", "call_twice", "ask", "warn", "forever", "PriorityError", "strict", "liar", "Box",
         "make_box"]
SETUP = "from shiplab_checks import *\n"


def _kernel(conn, source):
    from shiplab.grading import kernel, remote

    sys.path[:0] = [str(GRADERS_DIR)]  # a kernel runs in the lab's folder, beside the instructor's shiplab_checks.py
    namespace = {"__name__": "__main__"}
    exec(compile(source, "<participant>", "exec"), namespace)  # noqa: S102 -- the test's own participant
    kernel.JUDGE["conn"] = conn
    remote.serve(namespace)


def run_tests(tests: dict[str, str], source: str = PARTICIPANT, cell_timeout: float = 10.0,
              names: list[str] | None = None, start: str = "fork") -> dict[str, list]:
    """Each test cell (grade id -> source) judged against ``source`` (defining ``names``) running in another
    process (``start="spawn"``: one that holds nothing of this one's memory, as a graded kernel holds nothing of
    the judge's)."""
    ctx = multiprocessing.get_context(start)
    ours, theirs = ctx.Pipe(duplex=True)
    proc = ctx.Process(target=_kernel, args=(theirs, source), daemon=True)
    proc.start()
    theirs.close()
    try:
        client = judge.Client(ours, ready_by=time.monotonic() + 30)
        cells = [{"kind": "setup", "grade_id": "setup", "source": SETUP}]
        cells += [{"kind": "test", "grade_id": gid, "source": textwrap.dedent(src)} for gid, src in tests.items()]
        with pytest.MonkeyPatch.context() as patch:  # the judge's path starts with the lab's folder (judge.run)
            patch.syspath_prepend(str(GRADERS_DIR))
            return judge.judge(cells, NAMES if names is None else names, client, cell_timeout)  # NAMES read now
    finally:
        ours.send_bytes(b'{"op": "done"}')
        proc.join(10)
        if proc.is_alive():
            proc.kill()


def errors(outputs: list) -> list[str]:
    return [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]


def test_a_right_answer_passes_and_a_wrong_value_fails():
    """Does a test pass on the participant's right answer, print what it printed, and fail on a wrong value?"""
    out = run_tests({"right": "check_returns(add, 2, 3, expected=5)\nprint('ok')",
                     "wrong": "check_returns(add, 2, 3, expected=6)"})
    assert errors(out["right"]) == [] and out["right"][0]["text"] == "ok\n"
    assert errors(out["wrong"]) and "add(2, 3)" in errors(out["wrong"])[0]


def test_an_object_equal_to_everything_is_equal_to_nothing():
    """Does a returned object whose ``__eq__`` always says yes fail an equality check?"""
    out = run_tests({"liar": "check_equal(liar(), 3)"})
    assert errors(out["liar"]), "the participant's __eq__ decided the test"


def test_changes_to_arguments_come_back():
    """Does a test see that the participant's function sorted its list in place (so 'does not mutate' can be
    tested), and do the tests' own helpers keep what the participant's code did to them?"""
    out = run_tests({
        "mutation": """
            data = [3, 1, 2]
            sort_in_place(data)
            check_equal(data, [1, 2, 3], label="the list after the call")
        """,
        "spy": """
            class Spy:
                def __init__(self):
                    self.calls = []
                def __call__(self, x):
                    self.calls.append(x)
            spy = Spy()
            check_equal(call_twice(spy), "called")
            check_equal(spy.calls, [1, 2], label="spy.calls")
            spy.calls = []
            call_twice(spy)
            check_equal(spy.calls, [1, 2], label="spy.calls after a reset here")
        """,
        "global_list": """
            _seen = []
            class Model:
                def invoke(self, text):
                    _seen.append(text)
                    return text.upper()
            check_equal(ask(Model(), "hi"), "HI")
            check_equal(_seen, ["hi"], label="what the model saw")
            _seen.clear()  # emptied here: the kernel's copy must be emptied too before the next call
            check_equal(ask(Model(), "ho"), "HO")
            check_equal(_seen, ["ho"], label="what the model saw after the test emptied the list")
        """,
    })
    assert {k: errors(v) for k, v in out.items()} == {"mutation": [], "spy": [], "global_list": []}


def test_what_the_participant_logs_reaches_the_tests_logger():
    """Is a warning logged by the participant's code on the test's logger handled by the test's handler?"""
    out = run_tests({"log": """
        import logging
        records = []
        class Keep(logging.Handler):
            def emit(self, record):
                records.append(record)
        log = logging.getLogger("judge-test")
        log.propagate = False
        log.addHandler(Keep())
        warn(log, "x")
        check_equal([(r.levelname, r.getMessage()) for r in records], [("WARNING", "checked x")])
    """})
    assert errors(out["log"]) == []


def test_exceptions_are_caught_by_their_base_and_read_by_their_message():
    """Does ``check_raises(..., raises=ValueError, contains=…)`` pass on the participant's ValueError subclass?"""
    out = run_tests({"raises": "check_raises(strict, 'soonish', raises=ValueError, contains='soonish')"})
    assert errors(out["raises"]) == []


def test_objects_of_the_participants_classes_answer_through_handles():
    """Can a test read an attribute and call a method of an object the participant's code made, and check it is an
    instance of their class?"""
    out = run_tests({"box": """
        box = make_box(21)
        check_equal((box.value, box.doubled()), (21, 42))
        check_that(isinstance(box, Box), "a Box")
        check_that(not isinstance(3, Box), "3 is no Box")
    """})
    assert errors(out["box"]) == []


def test_a_function_that_never_returns_times_out_and_the_next_test_still_runs():
    """Does a call that loops for ever end at the cell's time limit (a CellTimeoutError), with the next test cell
    still judged?"""
    started = time.monotonic()
    out = run_tests({"loops": "forever(1)", "after": "check_returns(add, 1, 1, expected=2)"}, cell_timeout=2)
    assert [o["ename"] for o in out["loops"] if o["output_type"] == "error"] == ["CellTimeoutError"]
    assert errors(out["after"]) == []
    assert time.monotonic() - started < 20


def test_a_test_cannot_be_rebound_by_the_participant():
    """Is a participant's module-level rebinding of the checks (in their process) without effect on the judge's?"""
    source = PARTICIPANT + "\nimport shiplab_checks\nshiplab_checks.check_equal = lambda *a, **k: None\n"
    out = run_tests({"wrong": "check_returns(add, 2, 3, expected=6)"}, source=source)
    assert errors(out["wrong"])


@pytest.mark.parametrize("name", ["missing_function"])
def test_a_name_the_participant_never_defined_fails_with_a_name_error(name):
    """Does calling a solution name the participant's notebook lacks fail that test with a NameError naming it?"""
    ctx_names = NAMES + [name]
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe(duplex=True)
    proc = ctx.Process(target=_kernel, args=(theirs, PARTICIPANT), daemon=True)
    proc.start()
    theirs.close()
    try:
        client = judge.Client(ours, ready_by=time.monotonic() + 30)
        out = judge.judge([{"kind": "test", "grade_id": "t", "source": f"{name}(1)"}], ctx_names, client, 5)
    finally:
        ours.send_bytes(b'{"op": "done"}')
        proc.join(10)
    assert errors(out["t"]) and "NameError" in errors(out["t"])[0] and name in errors(out["t"])[0]


def test_annotations_are_evaluated_as_in_a_kernel():
    """Are a test cell's annotations real objects, as in a kernel (not the strings of the judge module's own
    ``from __future__ import annotations``: FastAPI read ``request: Request`` as a query parameter)?"""
    out = run_tests({"annotations": """
        def endpoint(x: int):
            return x
        check_that(endpoint.__annotations__["x"] is int, "the annotation is the class itself")
    """})
    assert errors(out["annotations"]) == []
