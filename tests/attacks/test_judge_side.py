"""The hidden tests' own test doubles never reach the participant's kernel (attack-30, G1 and G2): lab 6's
``check_service(make_client)`` is graded on broken services, each carrying the name of its bug; sent by value, that
name sat in ``make_client``'s closure, and a suite with no contract tests at all read it there and got 3 of 3
points. Graded through the real worker (sandbox, kernel, judge): a suite that looks for the bug's name in anything
it can reach from what it is given (closure, code constants, defaults, ``__wrapped__``, ``__globals__``, the
objects the garbage collector finds behind it) scores 0 on that exercise, and the real solution still full marks.
It failed on the code before the broken services were kept in the judge (``shiplab_checks.judge_side``)."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from shiplab.course.paths import CHECKS_MODULE, LABS_DIR, REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the worker's sandbox runs kernels as "
                                                           "accounts of their own")]
LAB = "lab6-production"
SNIFFER = r'''
def check_service(make_client):
    # no contract tests: it raises when anything reachable from make_client names one of the bugs
    import gc
    bugs = {"health", "500", "leak", "same_id", "blank_ok", "no_citations", "no_header", "refused_as_false",
            "no_strip"}
    seen, todo = [], [(make_client, 0)]
    while todo:
        obj, depth = todo.pop()
        seen.append(obj)
        if depth >= 3 or isinstance(obj, (str, bytes, int, float, type(None))):
            continue
        parts = [getattr(obj, name, None) for name in ("__closure__", "__code__", "__defaults__", "__kwdefaults__",
                                                       "__wrapped__", "__func__", "__self__")]
        for cell in getattr(obj, "__closure__", None) or ():
            parts.append(getattr(cell, "cell_contents", None))
        code = getattr(obj, "__code__", None)
        parts += list(getattr(code, "co_consts", ()) or ())
        glob = getattr(obj, "__globals__", None)
        if isinstance(glob, dict):
            parts.append(glob.get("bug"))
        if not isinstance(obj, dict):
            parts += gc.get_referents(obj)
        todo += [(p, depth + 1) for p in parts if p is not None and not isinstance(p, type(gc))]
    found = {s for s in seen if isinstance(s, str) and s in bugs}
    if found:
        raise AssertionError("sniffed: " + ", ".join(sorted(found)))
'''


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(REPO_ROOT / "bench"))
    try:
        import grading
    finally:
        sys.path.remove(str(REPO_ROOT / "bench"))
    return grading


def test_a_suite_that_reads_the_broken_services_closures_scores_nothing(bench, tmp_path):
    """Graded by the sandboxed worker, does a check_service that finds the bug's name in what make_client carries
    (instead of testing the service) get 0 for the exercise, while the reference suite still gets 3 of 3?"""
    import gradekit

    fixture = tmp_path / "fixture" / LAB
    shutil.copytree(LABS_DIR / LAB, fixture, ignore=shutil.ignore_patterns("make_notebook.py", "__pycache__"))
    shutil.copy2(CHECKS_MODULE, fixture / CHECKS_MODULE.name)
    course = bench.make_course(tmp_path / "state", fixture)
    try:
        answers = bench.solutions(fixture / f"{LAB}.ipynb")
        gradekit.submit(course, "solved", answers)
        gradekit.submit(course, "sniffer", {**answers, "check_service": SNIFFER})
        _, summary, _ = bench.shiplab_batch(course, 2)
        assert summary.graded == 2 and summary.failed == 0, summary
        cells = {student: course.cell_scores(student) for student in ("solved", "sniffer")}
    finally:
        gradekit.LAB = "mini"  # bench.make_course points the grading kit at this lab
    assert cells["solved"]["test_check_service"] == 3.0, cells["solved"]
    assert cells["sniffer"]["test_check_service"] == 0.0, cells["sniffer"]
    others = {k: v for k, v in cells["solved"].items() if k != "test_check_service"}
    assert {k: cells["sniffer"][k] for k in others} == others  # the rest of the notebook is graded as before
