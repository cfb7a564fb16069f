"""Hidden generated cases cannot be collected over resubmissions (attack-30, G8). Feedback on a hidden test with
generated cases shows the first case that disagrees, with its expected value: that teaches. But the cases came from
a seed written in the test, so every submission met the same ones, and a participant who answered each shown case
from a table and resubmitted would, after a hundred or so tries, pass with no solution at all. The grading judge now
draws a fresh salt for each graded notebook (``shiplab_checks.case_rng``): graded through the real worker (sandbox,
kernel, judge), the same answer resubmitted meets another failing case, and a pinned salt (``SHIPLAB_CASE_SALT``,
how an instructor reproduces one grade) meets the same one again. It failed on the code before: every submission
was shown the same case."""

from __future__ import annotations

import os
import re

import gradedlab
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.root,
              pytest.mark.skipif(os.geteuid() != 0, reason="needs root: the worker's sandbox runs kernels as "
                                                           "accounts of their own")]
LAB = "lab1-backlog"
# Right on every case it has been shown (the visible tests, the sample), wrong where it has not yet learnt the
# answer: generated backlogs of 7 to 9 items, as a participant's lookup table would be.
TABLE = r'''
def profile_backlog(items):
    days = [(i.resolved - i.created).total_seconds() / 86400 for i in items
            if i.resolved is not None and i.created is not None]
    return {
        "count": len(items),
        "by_type": dict(Counter(i.type for i in items)),
        "open": sum(1 for i in items if i.resolved is None) + (1 if 7 <= len(items) <= 9 else 0),
        "median_days_to_resolve": round(statistics.median(days), 1) if days else None,
        "no_description": sum(1 for i in items if not (i.description or "").strip()),
    }
'''
SHOWN = re.compile(r"profile_backlog\(\[.*?\]\) returned .*?, expected .*?\}")


def _shown_cases(tmp_path, name: str, students: list[str]) -> dict[str, str]:
    """Grade ``TABLE`` for each of ``students`` through the worker; the generated case each one's feedback shows."""
    def table(answers):
        grade_id = next(g for g, source in answers.items() if "def profile_backlog" in source)
        return {**answers, grade_id: TABLE}

    graded = gradedlab.grade(tmp_path / name, LAB, {student: table for student in students})
    shown = {}
    for student, got in graded.items():
        found = SHOWN.findall(got.feedback)
        assert len(found) == 1, f"{student}: expected one generated case in the feedback, got {found}"
        shown[student] = found[0]
    return shown


def test_a_resubmission_meets_other_generated_cases(tmp_path, monkeypatch, caplog):
    """Is the failing case shown to an answer that is wrong on unseen cases another one on the next submission,
    while a pinned salt shows the same one again (so an instructor can reproduce a grade, from the salt the worker
    logs)?"""
    monkeypatch.setenv("SHIPLAB_CASE_SALT", "11")
    with caplog.at_level("INFO", logger="shiplab.grading.engine"):
        first = _shown_cases(tmp_path, "salt-11", ["ada", "bo"])
    assert first["ada"] == first["bo"], first
    assert "ada/lab1-backlog: hidden cases salted with 11" in caplog.text
    monkeypatch.setenv("SHIPLAB_CASE_SALT", "12")
    again = _shown_cases(tmp_path, "salt-12", ["ada"])
    assert again["ada"] != first["ada"], (again, first)


def test_each_graded_notebook_draws_its_own_salt(monkeypatch):
    """Unpinned, does each graded notebook get a salt of its own (never 0, the seeds as written)?"""
    from shiplab.grading import judge

    monkeypatch.delenv("SHIPLAB_CASE_SALT", raising=False)
    salts = {judge.case_salt() for _ in range(50)}
    assert len(salts) == 50 and 0 not in salts
    monkeypatch.setenv("SHIPLAB_CASE_SALT", "7")
    assert judge.case_salt() == 7
