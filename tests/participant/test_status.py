"""A participant's own submissions, read from the grading queue: state, jobs ahead, score — nobody else's."""

from __future__ import annotations

import time

from shiplab.grading.queue import Queue
from shiplab.grading.status import own_submissions
from shiplab.labext.serverext import why_no_feedback


def _file(q: Queue, lab: str, student: str, stamp: str) -> int:
    return q.enqueue(lab, student, stamp, stamp, f"/x/{student}+{lab}+{stamp}")


def test_a_queued_submission_counts_the_jobs_ahead_and_shows_no_one_elses(tmp_path):
    """Does anna's queued job say how many are ahead, while ben's jobs (ahead of hers) never appear in her answer?"""
    q = Queue(tmp_path / "queue.db")
    _file(q, "demo", "ben", "2026-12-02T09:00:00")
    _file(q, "lab1", "ben", "2026-12-02T09:00:01")
    _file(q, "demo", "anna", "2026-12-02T09:00:02")
    mine = own_submissions(tmp_path / "queue.db", "anna")
    assert set(mine) == {"demo"}
    assert mine["demo"]["state"] == "queued" and mine["demo"]["ahead"] == 2
    assert "ben" not in repr(mine)


def test_grading_then_the_score_and_only_the_latest_submission(tmp_path):
    """Is a claimed job 'grading', a finished one 'graded' with its score, and a resubmission shown instead of the
    one it replaced?"""
    q = Queue(tmp_path / "queue.db")
    first = _file(q, "demo", "anna", "2026-12-02T09:00:00")
    job = q.claim("w:1:1")
    assert job.id == first
    assert own_submissions(q.path, "anna")["demo"]["state"] == "grading"
    assert q.finish(first, "w:1:1", ok=True, score=4.0, max_score=6.0)
    graded = own_submissions(q.path, "anna")["demo"]
    assert (graded["state"], graded["score"], graded["max_score"]) == ("graded", 4.0, 6.0)
    _file(q, "demo", "anna", "2026-12-02T09:05:00")
    again = own_submissions(q.path, "anna")["demo"]
    assert again["state"] == "queued" and again["score"] is None and again["ahead"] == 0


def test_the_queue_is_never_written(tmp_path):
    """Does reading the status leave the queue file untouched (opened read-only)?"""
    q = Queue(tmp_path / "queue.db")
    _file(q, "demo", "anna", "2026-12-02T09:00:00")
    before = q.path.stat().st_mtime_ns
    time.sleep(0.01)
    own_submissions(q.path, "anna")
    assert q.path.stat().st_mtime_ns == before
    assert own_submissions(tmp_path / "absent.db", "anna") == {}


def test_fetch_feedback_before_the_grade_says_why():
    """Does asking for feedback too early say queued (n ahead), being graded, or not submitted — never nothing?"""
    ok = {"available": True}
    queued = why_no_feedback("demo", {**ok, "labs": {"demo": {"state": "queued", "ahead": 3}}})
    assert "queued (3 ahead" in queued
    assert "being graded" in why_no_feedback("demo", {**ok, "labs": {"demo": {"state": "grading", "ahead": 0}}})
    assert "not been submitted" in why_no_feedback("demo", {**ok, "labs": {}})
    failed = why_no_feedback("demo", {**ok, "labs": {"demo": {"state": "failed", "reason": "not a notebook"}}})
    assert "could not be graded: not a notebook" in failed


def test_feedback_tables_get_rules_and_padding():
    """Does the feedback page get table styles in its head (nbgrader's template has none for markdown tables)?"""
    from shiplab.labext.serverext import styled

    page = styled(b"<html><head><title>f</title></head><body><table><tr><td>1</td></tr></table></body></html>")
    head = page.split(b"</head>")[0]
    assert b'id="shiplab-feedback-style"' in head and b"border-collapse" in head
    assert styled(b"<table></table>").startswith(b"<style")


def test_a_folder_another_account_filed_under_her_name_is_not_in_her_tab(tmp_path):
    """Ben files a forged folder as anna (rejected by the worker): does anna's tab keep showing her own graded
    submission, with nothing of ben's attempt in it?"""
    q = Queue(tmp_path / "queue.db")
    mine = _file(q, "demo", "anna", "2026-12-02T09:00:00")
    assert q.claim("w:1:1").id == mine
    assert q.finish(mine, "w:1:1", ok=True, score=6.0, max_score=6.0)
    assert q.reject("demo", "anna", "2026-12-02T09:10:00", "2026-12-02T09:10:00", "/x/anna+demo+forged",
                    "it belongs to account 'jupyter-ben', not to account 'jupyter-anna'")
    shown = own_submissions(q.path, "anna")
    assert (shown["demo"]["state"], shown["demo"]["score"]) == ("graded", 6.0)
    assert "jupyter-ben" not in repr(shown)
