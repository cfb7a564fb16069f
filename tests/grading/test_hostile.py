"""Hostile and broken submissions: each is contained, graded with a reason, and the others are graded as usual.

All of them are graded in one worker run, two at a time, beside a well-behaved participant (``ann``)."""

from __future__ import annotations

import socket
import threading

import pytest
from conftest import needs_root
from gradekit import (
    HALF_RIGHT,
    RIGHT,
    grade_all,
    outputs_text,
    sandbox_processes,
    submit,
)

from shiplab.grading.sandbox import Limits

pytestmark = [pytest.mark.slow, pytest.mark.root, needs_root]

TRY = "try:\n{body}\n    print('GOT THROUGH')\nexcept BaseException as e:\n    print('BLOCKED', type(e).__name__, e)"


def attempt(body: str) -> str:
    return TRY.format(body="\n".join("    " + line for line in body.splitlines()))


def cheat_metadata(nb):
    """Rewrites the hidden test into `pass` worth 100 points, and marks its own answer as a 50-point test."""
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade_id") == "test_add_hidden":
            c.source = "pass"
            meta["points"] = 100
        if meta.get("grade_id") == "add":
            meta.update(grade=True, points=50)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from gradekit import make_course

    course = make_course(tmp_path_factory.mktemp("hostile") / "state")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    accepted: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                accepted.append(listener.accept())
            except OSError:
                pass

    threading.Thread(target=accept, daemon=True).start()
    other = course.root / "submitted" / "zoe" / "mini"
    other.mkdir(parents=True)
    (other / "answers.txt").write_text("zoe's private answers")
    submit(course, "ann", RIGHT)
    submit(course, "reader", RIGHT, extra_cells=[attempt(f"print(open({str(other / 'answers.txt')!r}).read())")])
    submit(course, "caller", RIGHT, extra_cells=[attempt(
        f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3).sendall(b'hello')")])
    submit(course, "hog", RIGHT, extra_cells=[attempt("block = bytearray(10 * 1024 ** 3)\nblock[-1] = 1")])
    submit(course, "looper", RIGHT, extra_cells=["while True:\n    pass"])
    submit(course, "stubborn", RIGHT, extra_cells=[
        "import time\nwhile True:\n    try:\n        time.sleep(1)\n    except KeyboardInterrupt:\n        pass"])
    submit(course, "cheat", {**RIGHT, "add": "def add(a, b):\n    return 0"}, edit=cheat_metadata)
    submit(course, "sleeper", RIGHT, extra_cells=["import time\ntime.sleep(3)"] * 6)
    submit(course, "vandal", RIGHT, extra_cells=[attempt(f"open({str(course.gradebook)!r}, 'r+b').write(b'x' * 4096)")])
    submit(course, "killer", RIGHT, extra_cells=["import os, signal\nos.kill(-1, signal.SIGKILL)"])
    submit(course, "half", HALF_RIGHT)
    summary, queue, sandbox = grade_all(course, parallel=2, limits=Limits(total_timeout=14))
    stop.set()
    listener.close()
    jobs = {j.student: j for j in queue.jobs()}
    yield course, jobs, accepted, summary


def test_everyone_is_graded_and_the_good_one_fully(graded):
    """Is every submission, hostile or not, graded (a job done with a score), with the honest ones unharmed?"""
    course, jobs, _, summary = graded
    assert {s: j.state for s, j in jobs.items()} == {s: "done" for s in jobs}
    assert course.scores()["ann"] == 4 and course.scores()["half"] == 2
    assert summary.graded == len(jobs)


def test_another_participants_file_cannot_be_read(graded):
    """Can a notebook read another participant's submission in the course folder? (It must not.)"""
    course, jobs, _, _ = graded
    text = outputs_text(course, "reader")
    # blocked: unreadable (0700 folders), or — here, where the test's course lies under /tmp — not even there
    assert "BLOCKED" in text and "GOT THROUGH" not in text and "zoe's private" not in text
    assert course.scores()["reader"] == 4


def test_no_network_even_to_localhost(graded):
    """Does a connection to a port listening on the host's 127.0.0.1 fail, with nothing reaching the listener?"""
    course, jobs, accepted, _ = graded
    assert "BLOCKED" in outputs_text(course, "caller") and "GOT THROUGH" not in outputs_text(course, "caller")
    assert accepted == []


def test_ten_gigabytes_is_a_memory_error(graded):
    """Does allocating 10 GB fail inside the notebook (MemoryError), leaving the kernel alive to finish grading?"""
    course, jobs, _, _ = graded
    assert "BLOCKED MemoryError" in outputs_text(course, "hog")
    assert course.scores()["hog"] == 4


def test_infinite_loop_is_interrupted_and_the_rest_graded(graded):
    """Is a cell that loops for ever stopped at the per-cell timeout, and the tests after it still run?"""
    course, jobs, _, _ = graded
    assert "CellTimeoutError" in outputs_text(course, "looper")
    assert course.scores()["looper"] == 4


def test_loop_that_ignores_interrupts_scores_zero_with_a_reason(graded):
    """Is a notebook that swallows the interrupt stopped, scored 0, with the reason recorded?"""
    course, jobs, _, _ = graded
    assert course.scores()["stubborn"] == 0
    # the interrupt is swallowed: nbclient gives up on the cell at the per-cell limit (4 s), long before the total (14 s)
    assert "CellTimeoutError: A cell timed out" in jobs["stubborn"].reason, jobs["stubborn"].reason


def test_notebook_past_the_total_time_limit_is_killed(graded):
    """Is a notebook whose cells each finish in time, but all together take too long, killed at the total limit
    (14 s here) and scored 0 with that reason?"""
    course, jobs, _, _ = graded
    assert course.scores()["sleeper"] == 0
    assert "total time limit of 14 s" in jobs["sleeper"].reason


def test_edited_grade_metadata_is_restored(graded):
    """Are a rewritten hidden test and inflated points restored from the gradebook before grading?"""
    course, jobs, _, _ = graded
    assert (jobs["cheat"].score, jobs["cheat"].max_score) == (1, 4)  # only total_of is right
    assert course.cell_scores("cheat") == {"test_add_visible": 0, "test_add_hidden": 0, "test_total_of": 1}


def test_gradebook_cannot_be_written(graded):
    """Does writing to the gradebook's path fail, and the gradebook stay readable and right?"""
    course, jobs, _, _ = graded
    text = outputs_text(course, "vandal")
    assert "BLOCKED" in text and "GOT THROUGH" not in text  # refused, or (this course is under /tmp) not there
    assert course.scores()["vandal"] == 4


def test_killing_every_process_it_can_hurts_only_itself(graded):
    """Does kill(-1) from a notebook end only its own run (scored 0 with a reason), not the runs beside it?"""
    course, jobs, _, _ = graded
    assert course.scores()["killer"] == 0 and jobs["killer"].reason
    assert course.scores()["ann"] == 4


def test_nothing_of_the_sandbox_survives(graded):
    """After the run, is every process of the sandbox accounts gone?"""
    assert sandbox_processes() == []
