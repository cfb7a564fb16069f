"""The worker with real nbgrader and real kernels: parallel equals serial, resubmissions, feedback, crash safety."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import needs_root
from gradekit import (
    COURSE,
    HALF_RIGHT,
    LAB,
    RIGHT,
    grade_all,
    make_course,
    sandbox_processes,
    stamp,
    submit,
)

from shiplab.grading.sandbox import DEFAULT_WORK_ROOT

pytestmark = pytest.mark.slow

MIXED = {
    "ann": RIGHT,
    "bob": HALF_RIGHT,
    "cy": {"add": RIGHT["add"]},  # total_of left as the stub: NotImplementedError
    "dee": {},  # nothing done
    "eve": {"add": "def add(a, b):\n    return a - b", "total_of": RIGHT["total_of"]},
}


def cell_scores(course) -> dict[str, dict[str, float]]:
    return {student: course.cell_scores(student) for student in course.scores()}


def test_parallel_results_equal_serial(tmp_path):
    """Does grading two at a time give exactly the per-cell scores of grading one at a time, on the same files?"""
    serial, parallel = make_course(tmp_path / "serial"), make_course(tmp_path / "parallel")
    for student, answers in MIXED.items():
        folder = submit(serial, student, answers)
        shutil.copytree(folder, parallel.inbound / folder.name)
    summary1, _, sandbox1 = grade_all(serial, parallel=1)
    summary2, _, sandbox2 = grade_all(parallel, parallel=2)
    assert (summary1.graded, summary2.graded) == (5, 5)
    assert (sandbox1.peak_running, sandbox2.peak_running) == (1, 2)
    assert cell_scores(serial) == cell_scores(parallel)
    assert serial.scores() == {"ann": 4, "bob": 2, "cy": 3, "dee": 0, "eve": 1}


def test_latest_submission_wins_and_feedback_hides_hidden_tests(course):
    """Is only a participant's latest submission graded, and does the released feedback show the score but no
    hidden test source?"""
    submit(course, "ann", {}, when=stamp(60))
    submit(course, "ann", RIGHT, when=stamp(30))
    submit(course, "bob", HALF_RIGHT)
    summary, queue, _ = grade_all(course, parallel=2)
    states = sorted((j.student, j.state, j.score) for j in queue.jobs())
    assert states == [("ann", "done", 4.0), ("ann", "superseded", None), ("bob", "done", 2.0)]
    released = sorted((course.exchange / COURSE / "feedback").glob("*.html"))
    assert len(released) == 2
    for page in released:
        text = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in text and "negative numbers" not in text and "add(-7, 7)" not in text
    assert any("(Score: 2.0 / 4.0)" in p.read_text() for p in released)  # nbgrader's feedback template


def test_feedback_templates_are_compiled_once_per_worker(course):
    """Does the second feedback of a worker reuse the compiled templates of the first (the bytecode cache is hit),
    and still show each participant their own score?"""
    from shiplab.grading.engine import TEMPLATE_BYTECODE

    submit(course, "ann", RIGHT)
    grade_all(course, parallel=1)
    hits = TEMPLATE_BYTECODE.hits
    submit(course, "bob", HALF_RIGHT)
    grade_all(course, parallel=1)
    assert TEMPLATE_BYTECODE.hits > hits
    pages = [p.read_text() for p in (course.exchange / COURSE / "feedback").glob("*.html")]
    assert len(pages) == 2 and sorted("4.0 / 4.0" in t for t in pages) == [False, True]
    assert any("2.0 / 4.0" in t for t in pages)


def _counts(db: Path) -> dict[str, int]:
    try:
        con = sqlite3.connect(db, timeout=5)
        rows = con.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall()
        con.close()
        return dict(rows)
    except sqlite3.OperationalError:
        return {}


def _env(state: Path) -> dict:
    """The worker's environment. Its participants p0…p9 have no Unix accounts: developer mode, where the worker
    does not check who wrote a submission (tests/attacks/ checks that it does, on a hub with accounts)."""
    settings = state / "shiplab-test.yaml"
    settings.write_text("spawner:\n  mode: developer\n")
    return {**os.environ, "SHIPLAB_STATE": str(state), "SHIPLAB_COURSE": COURSE, "SHIPLAB_SETTINGS": str(settings)}


def _worker(state: Path, config: Path, *extra: str) -> subprocess.Popen:
    env = _env(state)
    cmd = [sys.executable, "-m", "shiplab.cli", "grading", "worker", "--parallel", "2", "--poll", "0.2",
           "--nbgrader-config", str(config), *extra]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


@pytest.mark.root
@needs_root
def test_killed_worker_loses_nothing(tmp_path):
    """Killed with SIGKILL mid-batch and started again, does the worker grade every submission exactly once, with
    none lost and none left 'running'? And does `shiplab grading regrade LAB` re-grade them all to the same scores?"""
    state = tmp_path / "state"
    course = make_course(state)
    config = tmp_path / "fast_config.py"
    config.write_text("c = get_config()\nc.Execute.timeout = 4\n")
    names = [f"p{k}" for k in range(8)]
    for k, name in enumerate(names):
        submit(course, name, RIGHT if k % 2 else HALF_RIGHT)
    db = state / "grading" / COURSE / "queue.db"
    first = _worker(state, config)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        counts = _counts(db)
        if counts.get("done", 0) >= 2 and counts.get("running", 0) >= 1:
            break
        time.sleep(0.05)
    else:
        first.kill()
        pytest.fail(f"the worker did not get going: {first.communicate()[0][-3000:]}")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    at_kill = _counts(db)
    assert at_kill.get("running", 0) >= 1, at_kill
    second = _worker(state, config, "--until-idle")
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, out[-3000:]
    assert _counts(db) == {"done": 8}, out[-3000:]
    con = sqlite3.connect(db)
    per_submission = con.execute("SELECT student, count(*), max(attempts) FROM jobs GROUP BY student").fetchall()
    assert sorted(s for s, n, _ in per_submission if n == 1) == names
    assert any(attempts == 2 for _, _, attempts in per_submission)  # the interrupted ones ran again
    expected = {name: (4.0 if k % 2 else 2.0) for k, name in enumerate(names)}
    assert course.scores() == expected
    assert len(list((course.exchange / COURSE / "feedback").glob("*.html"))) == 8
    assert sandbox_processes() == []
    assert not any(DEFAULT_WORK_ROOT.glob("run-*"))  # the killed run's folder was cleared too

    env = _env(state)
    batch = subprocess.run([sys.executable, "-m", "shiplab.cli", "grading", "regrade", LAB, "--parallel", "2",
                            "--nbgrader-config", str(config)], env=env, capture_output=True, text=True, timeout=120)
    assert batch.returncode == 0, batch.stdout[-2000:] + batch.stderr[-2000:]
    assert f"{LAB}: 8 graded, 0 failed" in batch.stdout
    assert course.scores() == expected
