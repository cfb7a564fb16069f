"""The board's rules on plain facts, with the clock passed in: cell states, progress, the stuck rule, summaries."""

from __future__ import annotations

import datetime as dt

from shiplab.board import model
from shiplab.board.model import Attempt, Exercise, Graded, Lab, Member, Rules

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
MIN = dt.timedelta(minutes=1)
LAB = Lab("demo", (Exercise("demo", "demo", "test_a", 1.0), Exercise("demo", "demo", "test_b", 2.0)))
LAB2 = Lab("rag", (Exercise("rag", "rag", "test_c", 1.0),))
RULES = Rules(stuck_after=20 * MIN, active_within=10 * MIN)


def graded(student, score, cells, failures=None, at=T0, lab="demo"):
    return Graded(lab, student, score, 3.0, at, cells={f"demo/{k}": v for k, v in cells.items()},
                  failures={f"demo/{k}": v for k, v in (failures or {}).items()})


def board(members, attempts=(), grades=(), now=T0, labs=(LAB, LAB2), team=None):
    return model.build_board(labs=list(labs), members=members, attempts=list(attempts), graded=list(grades), now=now,
                             rules=RULES, team=team)


def states(b):
    return {r.member.username: [c.state for c in r.cells] for r in b.rows}


def test_cell_states_cover_every_case():
    """Does each participant's cell show not started / working / submitted / passed / failing (with score)?"""
    fetched = {"demo": T0, "rag": T0}
    members = [Member("ann", server_running=True, fetched={"demo": T0}), Member("bob", fetched={}),
               Member("cy", server_running=True, fetched=fetched), Member("dee", fetched=fetched), Member("eve")]
    attempts = [Attempt("demo", "cy", T0, "queued"),
                Attempt("demo", "dee", T0, "done", 3.0, 3.0), Attempt("demo", "eve", T0, "done", 1.0, 3.0)]
    grades = [graded("dee", 3.0, {"test_a": 1, "test_b": 2}), graded("eve", 1.0, {"test_a": 1, "test_b": 0})]
    b = board(members, attempts, grades)
    assert states(b) == {"ann": ["working", "not_started"], "bob": ["not_started", "not_started"],
                         "cy": ["submitted", "working"], "dee": ["passed", "working"],
                         "eve": ["failing", "not_started"]}
    eve = next(r for r in b.rows if r.member.username == "eve").cells[0]
    assert (eve.score, eve.max_score, eve.label) == (1.0, 3.0, "failing 1/3")
    assert eve.exercises == {"demo/test_a": True, "demo/test_b": False}
    assert b.rows[0].cells[0].note == "fetched, nothing submitted yet"


def test_a_running_server_alone_is_never_working():
    """Is a lab nobody fetched shown as not started, however long their server runs — and, where the board cannot
    see homes at all (fetched unknown), is no lab claimed as working?"""
    b = board([Member("ann", server_running=True, fetched={}), Member("bob", server_running=True)])
    assert states(b) == {"ann": ["not_started", "not_started"], "bob": ["not_started", "not_started"]}


def test_resubmission_waiting_for_its_grade_shows_submitted_and_failed_grading_shows_failing():
    """Is a newer submission waiting for grading shown as submitted (not the old grade), and a submission the engine
    could not grade shown as failing with the reason?"""
    attempts = [Attempt("demo", "ann", T0, "superseded", 1.0, 3.0), Attempt("demo", "ann", T0 + MIN, "inbound"),
                Attempt("demo", "bob", T0, "failed", reason="gave up after 3 attempts")]
    b = board([Member("ann"), Member("bob")], attempts, [graded("ann", 1.0, {"test_a": 1})])
    assert states(b)["ann"][0] == "submitted"
    bob = b.rows[1].cells[0]
    assert bob.state == "failing" and "gave up after 3 attempts" in bob.note


def test_stuck_needs_activity_and_time_without_progress():
    """Is someone flagged stuck only once active for stuck_after with no new passing test, counted from their last
    progress or their server's start, whichever is later?"""
    started = T0
    m = Member("ann", server_running=True, server_started=started, last_activity=T0 + 24 * MIN)
    progress = [Attempt("demo", "ann", T0 + 5 * MIN, "done", 1.0, 3.0)]
    grade = [graded("ann", 1.0, {"test_a": 1}, at=T0 + 5 * MIN)]
    assert not board([m], progress, grade, now=T0 + 24 * MIN).rows[0].stuck  # 19 min since progress
    row = board([m], progress, grade, now=T0 + 25 * MIN).rows[0]
    assert row.stuck and row.since_progress == 20 * MIN
    # the same time, but the participant went quiet 11 minutes ago: not active, so not stuck
    quiet = Member("ann", server_running=True, server_started=started, last_activity=T0 + 14 * MIN)
    assert not board([quiet], progress, grade, now=T0 + 25 * MIN).rows[0].stuck
    # server stopped: not stuck
    stopped = Member("ann", server_running=False, last_activity=T0 + 24 * MIN)
    assert not board([stopped], progress, grade, now=T0 + 25 * MIN).rows[0].stuck
    # no progress at all: counted from the server's start
    assert not board([m], now=T0 + 19 * MIN).rows[0].stuck
    assert board([m], now=T0 + 20 * MIN).rows[0].stuck
    # a server restarted after lunch resets the count
    after_lunch = Member("ann", server_running=True, server_started=T0 + 60 * MIN, last_activity=T0 + 70 * MIN)
    assert not board([after_lunch], progress, grade, now=T0 + 70 * MIN).rows[0].stuck


def test_only_a_higher_score_is_progress_and_a_new_passing_test_clears_stuck():
    """Does a resubmission with the same score leave someone stuck, while one that passes a new test clears it?"""
    m = Member("ann", server_running=True, server_started=T0, last_activity=T0 + 40 * MIN)
    same = [Attempt("demo", "ann", T0 + 2 * MIN, "superseded", 1.0, 3.0),
            Attempt("demo", "ann", T0 + 30 * MIN, "done", 1.0, 3.0)]
    assert board([m], same, [graded("ann", 1.0, {"test_a": 1})], now=T0 + 40 * MIN).rows[0].stuck
    better = same[:1] + [Attempt("demo", "ann", T0 + 30 * MIN, "done", 3.0, 3.0)]
    row = board([m], better, [graded("ann", 3.0, {"test_a": 1, "test_b": 2})], now=T0 + 40 * MIN,
                labs=(LAB, LAB2)).rows[0]
    assert not row.stuck and row.last_progress == T0 + 30 * MIN


def test_someone_who_passed_everything_is_never_stuck():
    """Is a participant with every lab passed left alone, however long they stay active?"""
    m = Member("ann", server_running=True, server_started=T0, last_activity=T0 + 90 * MIN)
    row = board([m], [Attempt("demo", "ann", T0, "done", 3.0, 3.0)],
                [graded("ann", 3.0, {"test_a": 1, "test_b": 2})], now=T0 + 90 * MIN, labs=(LAB,)).rows[0]
    assert row.cells[0].state == "passed" and not row.stuck


def test_exercise_summary_share_and_most_common_failure():
    """Per exercise: is the share of the room passing right, and is the most common failing message the one most
    participants hit (ties broken alphabetically)?"""
    members = [Member(n) for n in ("a", "b", "c", "d", "e")]
    grades = [graded("a", 3, {"test_a": 1, "test_b": 2}),
              graded("b", 1, {"test_a": 1}, {"test_b": "AssertionError: floats too"}),
              graded("c", 0, {}, {"test_a": "NameError: x", "test_b": "AssertionError: floats too"}),
              graded("d", 1, {"test_a": 1}, {"test_b": "AssertionError: negative numbers"})]
    b = board(members, (), grades, labs=(LAB,))
    a, bb = b.summaries
    assert (a.passing, a.graded, a.room, a.top_failure, a.top_failure_count) == (3, 4, 5, "NameError: x", 1)
    assert (bb.passing, round(bb.share, 2), bb.top_failure, bb.top_failure_count) == (1, 0.2, "AssertionError: "
                                                                                      "floats too", 2)


def test_exercises_of_labs_nobody_has_a_grade_for_are_left_out_of_the_table():
    """With a grade only in the first lab, does the table list only that lab's exercises, and name the others as
    left out (so a six-lab course does not show dozens of empty rows in the morning)?"""
    later = Lab("lab6", tuple(Exercise("lab6", "lab6", f"test_{i}", 1.0) for i in range(30)))
    b = board([Member("a"), Member("b")], (), [graded("a", 3, {"test_a": 1, "test_b": 2})], labs=(LAB, LAB2, later))
    assert len(b.summaries) == 33
    assert [s.exercise.grade_id for s in b.graded_summaries] == ["test_a", "test_b"]
    assert [lab.name for lab in b.ungraded_labs] == ["rag", "lab6"]
    assert board([Member("a")], labs=(LAB,)).graded_summaries == []


def test_team_filter_limits_rows_and_summaries():
    """Does the team filter show only that team's participants, and count shares within the team?"""
    members = [Member("a", team="claims"), Member("b", team="claims"), Member("c", team="portal")]
    b = board(members, (), [graded("c", 3, {"test_a": 1, "test_b": 2})], labs=(LAB,), team="portal")
    assert [r.member.username for r in b.rows] == ["c"] and b.teams == ("claims", "portal")
    assert b.summaries[0].share == 1.0
    assert board(members, (), [graded("c", 3, {"test_a": 1, "test_b": 2})], labs=(LAB,),
                 team="claims").summaries[0].share == 0.0


def test_ago_reads_like_a_person_would_say_it():
    """Are durations shown in minutes, hours and days?"""
    assert [model.ago(d) for d in (None, dt.timedelta(seconds=30), 7 * MIN, 65 * MIN, 26 * 60 * MIN)] == \
        ["—", "< 1 min", "7 min", "1 h 05 min", "1 d 2 h"]


CASE_LAB = Lab("docs", (Exercise("docs", "docs", "test_a", 2.0), Exercise("docs", "docs", "my_case", 1.0)))


def test_my_case_part_shows_done_not_done_or_nothing():
    """Does a lab's "apply to my case" check show as done only when its test cell scored, not done for the
    untouched notebook (graded 0), and nothing before a grade or for a lab without one?"""
    members = [Member("ann"), Member("bob"), Member("cy")]
    grades = [Graded("docs", "ann", 3.0, 3.0, T0, cells={"docs/test_a": 2.0, "docs/my_case": 1.0}),
              Graded("docs", "bob", 0.0, 3.0, T0, cells={"docs/test_a": 0.0, "docs/my_case": 0.0},
                     failures={"docs/my_case": "MyCaseNotDone: my case not done: nothing recorded yet"})]
    b = board(members, [], grades, labs=(CASE_LAB, LAB2))
    cells = {r.member.username: r.cells for r in b.rows}
    assert [cells[u][0].my_case for u in ("ann", "bob", "cy")] == [True, False, None]
    assert cells["bob"][0].my_case_label == "my case: not done" and cells["ann"][0].my_case_label == "my case: done"
    assert cells["ann"][1].my_case is None  # LAB2 has no my-case part
    as_json = {p["username"]: p["cells"]["docs"]["my_case"] for p in model.board_json(b)["participants"]}
    assert as_json == {"ann": True, "bob": False, "cy": None}
    summary = next(s for s in b.summaries if s.exercise.grade_id == "my_case")
    assert (summary.passing, summary.graded, summary.top_failure) == (1, 2, grades[1].failures["docs/my_case"])
