"""The board's rules, as pure functions of facts and a time: no files, no hub, no clock of their own.

Facts (read by :mod:`.sources`): the labs and their exercises (the autograded test cells), the room's members with
their server and last activity, every submission (:class:`Attempt`, from the grading queue or not filed yet) and the
standing grade of each lab (:class:`Graded`, from the gradebook). :func:`build_board` turns them into the grid.

A cell's state, for one participant and one lab, from their *latest* submission:

- ``submitted``: it waits in the grading queue (or in the exchange, not filed yet) or is being graded;
- ``passed``: graded with every point; ``failing``: graded with fewer (the score shows), or grading failed;
- ``working``: they fetched the lab (its folder is in their home, :attr:`Member.fetched`) and have submitted
  nothing yet. A running server alone says nothing about which lab is open, so the board never guesses: where it
  cannot see the participants' homes (containers), no lab shows as working;
- ``not_started``: anything else.

**My case**: a lab whose test cells include one named ``my_case…`` (the required "apply to my case" part,
:mod:`shiplab.course.mycase`) shows, beside its state, ``my case: done`` when that cell scored its points in the
standing grade, ``my case: not done`` when it did not (the untouched notebook), and nothing before a grade. The
board reads it from the gradebook like every test cell, so it is exactly what the grader found in that
participant's own submission.

*Progress* is a graded submission scoring more than any earlier one of the same lab (so a new test passed; the
score is the measure, since the gradebook keeps only the latest notebook's cells). A participant is **stuck** when
they are active now (server running, hub activity within ``active_within``) and have been for ``stuck_after``
without progress: counted from their last progress, or from their server's start when that is later (a morning's
progress does not make them stuck right after lunch). Someone who passed every lab is never stuck.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

NOT_STARTED, WORKING, SUBMITTED, PASSED, FAILING = "not_started", "working", "submitted", "passed", "failing"
STATES = (NOT_STARTED, WORKING, SUBMITTED, PASSED, FAILING)
STATE_LABELS = {NOT_STARTED: "not started", WORKING: "working", SUBMITTED: "submitted", PASSED: "passed",
                FAILING: "failing"}
PENDING = ("queued", "running", "inbound")  # attempt states that mean "waiting for its grade"
MY_CASE_PREFIX = "my_case"  # grade ids of a lab's "apply to my case" check (shiplab.course.mycase.MY_CASE_GRADE_ID)


@dataclass(frozen=True)
class Exercise:
    """One autograded test cell of a lab."""

    lab: str
    notebook: str
    grade_id: str
    max_score: float

    @property
    def key(self) -> str:
        return f"{self.notebook}/{self.grade_id}"

    @property
    def my_case(self) -> bool:
        """The lab's "apply to my case" completion check (a test cell named ``my_case…``)."""
        return self.grade_id.startswith(MY_CASE_PREFIX)


@dataclass(frozen=True)
class Lab:
    name: str
    exercises: tuple[Exercise, ...] = ()
    released: bool = True  # in the exchange's outbound folder, so participants can fetch it

    @property
    def max_score(self) -> float:
        return sum(e.max_score for e in self.exercises)


@dataclass(frozen=True)
class Attempt:
    """One submission: its grading-queue job (state queued/running/done/failed/superseded), or ``inbound`` when it
    sits in the exchange and is not filed yet."""

    lab: str
    student: str
    submitted_at: dt.datetime
    state: str
    score: float | None = None
    max_score: float | None = None
    reason: str | None = None
    finished_at: dt.datetime | None = None


@dataclass(frozen=True)
class Graded:
    """The gradebook's standing grade of one participant's lab."""

    lab: str
    student: str
    score: float
    max_score: float
    timestamp: dt.datetime | None = None
    cells: dict[str, float] = field(default_factory=dict)  # exercise key -> score
    failures: dict[str, str] = field(default_factory=dict)  # exercise key -> the failing test's message
    notebook_ids: dict[str, str] = field(default_factory=dict)  # notebook -> gradebook submission id


@dataclass(frozen=True)
class Member:
    """A participant as the hub (server, activity, groups) and the roster (full name) know them."""

    username: str
    full_name: str = ""
    team: str = ""
    server_running: bool = False
    server_started: dt.datetime | None = None
    last_activity: dt.datetime | None = None
    fetched: dict[str, dt.datetime] | None = None  # lab -> when it was fetched; None: their home cannot be seen


@dataclass(frozen=True)
class Rules:
    stuck_after: dt.timedelta = dt.timedelta(minutes=20)
    active_within: dt.timedelta = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Cell:
    lab: str
    state: str
    score: float | None = None
    max_score: float | None = None
    submitted_at: dt.datetime | None = None
    note: str = ""
    exercises: dict[str, bool] = field(default_factory=dict)  # exercise key -> passing (only when graded)
    my_case: bool | None = None  # the "apply to my case" part done; None: the lab has none, or no grade yet

    @property
    def my_case_label(self) -> str:
        return "" if self.my_case is None else ("my case: done" if self.my_case else "my case: not done")

    @property
    def label(self) -> str:
        if self.state == FAILING and self.score is not None:
            return f"failing {_num(self.score)}/{_num(self.max_score)}"
        if self.state == PASSED:
            return f"passed {_num(self.score)}/{_num(self.max_score)}"
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Row:
    member: Member
    cells: tuple[Cell, ...]
    active: bool
    stuck: bool
    last_progress: dt.datetime | None
    since_progress: dt.timedelta | None


@dataclass(frozen=True)
class ExerciseSummary:
    exercise: Exercise
    room: int  # participants shown
    passing: int
    graded: int  # participants with a graded submission of the lab
    top_failure: str | None = None
    top_failure_count: int = 0

    @property
    def share(self) -> float:
        return self.passing / self.room if self.room else 0.0


@dataclass(frozen=True)
class Board:
    now: dt.datetime
    labs: tuple[Lab, ...]
    rows: tuple[Row, ...]
    summaries: tuple[ExerciseSummary, ...]
    teams: tuple[str, ...]  # every team in the room, for the filter
    team: str | None = None
    rules: Rules = Rules()

    @property
    def stuck(self) -> list[Row]:
        return [r for r in self.rows if r.stuck]

    @property
    def graded_summaries(self) -> list[ExerciseSummary]:
        """The exercises worth explaining now: those of labs someone in the room has a grade for (a course of six
        labs has dozens of test cells; the ones of labs nobody reached are noise in the morning)."""
        return [s for s in self.summaries if s.graded]

    @property
    def ungraded_labs(self) -> list[Lab]:
        """Labs whose exercises :attr:`graded_summaries` leaves out: nobody in the room has a grade for them yet."""
        seen = {s.exercise.lab for s in self.graded_summaries}
        return [lab for lab in self.labs if lab.exercises and lab.name not in seen]


def _num(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


def latest_attempts(attempts: list[Attempt]) -> dict[tuple[str, str], Attempt]:
    """(student, lab) -> the latest submission that still counts (superseded ones never do)."""
    out: dict[tuple[str, str], Attempt] = {}
    for a in attempts:
        if a.state == "superseded":
            continue
        key = (a.student, a.lab)
        if key not in out or a.submitted_at > out[key].submitted_at:
            out[key] = a
    return out


def cell_for(lab: Lab, attempt: Attempt | None, graded: Graded | None, *,
             fetched_at: dt.datetime | None = None) -> Cell:
    """The state of one participant's lab (see the module docstring)."""
    exercises = {}
    my_case = None
    if graded is not None:
        exercises = {e.key: graded.cells.get(e.key, 0.0) >= e.max_score for e in lab.exercises}
        checks = [e.key for e in lab.exercises if e.my_case]
        my_case = all(exercises[k] for k in checks) if checks else None
    if attempt is not None and attempt.state in PENDING:
        return Cell(lab.name, SUBMITTED, submitted_at=attempt.submitted_at, exercises=exercises, my_case=my_case,
                    note="being graded" if attempt.state == "running" else "waiting for grading")
    if attempt is not None and attempt.state == "failed":
        return Cell(lab.name, FAILING, max_score=lab.max_score or attempt.max_score, submitted_at=attempt.submitted_at,
                    note=f"could not be graded: {attempt.reason or 'no reason given'}", exercises=exercises,
                    my_case=my_case)
    score = max_score = None
    when = None
    if graded is not None:
        score, max_score, when = graded.score, graded.max_score, graded.timestamp
    if attempt is not None and attempt.state == "done":
        when = attempt.submitted_at
        if graded is None:
            score, max_score = attempt.score, attempt.max_score
    if score is None:
        if fetched_at is not None:
            return Cell(lab.name, WORKING, note="fetched, nothing submitted yet")
        return Cell(lab.name, NOT_STARTED)
    max_score = max_score if max_score is not None else lab.max_score
    state = PASSED if max_score and score >= max_score else FAILING
    return Cell(lab.name, state, score=score, max_score=max_score, submitted_at=when, exercises=exercises,
                my_case=my_case)


def progress_times(attempts: list[Attempt], graded: list[Graded]) -> dict[str, dt.datetime]:
    """student -> when they last made progress: a graded submission scoring more than every earlier one of its
    lab (a superseded job keeps the score it was graded with, so it still counts as history)."""
    by_lab: dict[tuple[str, str], list[Attempt]] = {}
    for a in attempts:
        if a.score is not None:
            by_lab.setdefault((a.student, a.lab), []).append(a)
    out: dict[str, dt.datetime] = {}

    def note(student: str, when: dt.datetime) -> None:
        if student not in out or when > out[student]:
            out[student] = when

    for (student, _lab), history in by_lab.items():
        best = 0.0
        for a in sorted(history, key=lambda a: a.submitted_at):
            if a.score > best:
                best = a.score
                note(student, a.submitted_at)
    for g in graded:  # graded outside the queue (`shiplab course grade`): the gradebook's timestamp
        if (g.student, g.lab) not in by_lab and g.score > 0 and g.timestamp is not None:
            note(g.student, g.timestamp)
    return out


def is_active(member: Member, now: dt.datetime, rules: Rules) -> bool:
    return bool(member.server_running and member.last_activity is not None
                and now - member.last_activity <= rules.active_within)


def is_stuck(*, now: dt.datetime, active: bool, server_started: dt.datetime | None,
             last_progress: dt.datetime | None, all_passed: bool, rules: Rules) -> bool:
    """Active now, and for ``stuck_after`` no new passing test (counted from the later of the last progress and the
    server's start)."""
    if not active or all_passed:
        return False
    since = max((t for t in (last_progress, server_started) if t is not None), default=None)
    return since is not None and now - since >= rules.stuck_after


def build_board(*, labs: list[Lab], members: list[Member], attempts: list[Attempt], graded: list[Graded],
                now: dt.datetime, rules: Rules = Rules(), team: str | None = None) -> Board:
    """The grid at ``now``: one row per member (of ``team`` when given), one cell per lab, the summaries."""
    latest = latest_attempts(attempts)
    grades = {(g.student, g.lab): g for g in graded}
    progress = progress_times(attempts, graded)
    teams = tuple(sorted({m.team for m in members if m.team}))
    shown = sorted((m for m in members if team is None or m.team == team), key=lambda m: m.username)
    rows = []
    for m in shown:
        cells = []
        for lab in labs:
            attempt, grade = latest.get((m.username, lab.name)), grades.get((m.username, lab.name))
            cells.append(cell_for(lab, attempt, grade, fetched_at=(m.fetched or {}).get(lab.name)))
        active = is_active(m, now, rules)
        last = progress.get(m.username)
        all_passed = bool(labs) and all(c.state == PASSED for c in cells)
        rows.append(Row(member=m, cells=tuple(cells), active=active, last_progress=last,
                        since_progress=(now - last) if last else None,
                        stuck=is_stuck(now=now, active=active, server_started=m.server_started, last_progress=last,
                                       all_passed=all_passed, rules=rules)))
    summaries = []
    for lab in labs:
        for ex in lab.exercises:
            passing = graded_n = 0
            messages: Counter[str] = Counter()
            for m in shown:
                g = grades.get((m.username, lab.name))
                if g is None:
                    continue
                graded_n += 1
                if g.cells.get(ex.key, 0.0) >= ex.max_score:
                    passing += 1
                elif g.failures.get(ex.key):
                    messages[g.failures[ex.key]] += 1
            top = min(messages.items(), key=lambda kv: (-kv[1], kv[0])) if messages else (None, 0)
            summaries.append(ExerciseSummary(ex, room=len(shown), passing=passing, graded=graded_n,
                                             top_failure=top[0], top_failure_count=top[1]))
    return Board(now=now, labs=tuple(labs), rows=tuple(rows), summaries=tuple(summaries), teams=teams,
                 team=team, rules=rules)


def ago(delta: dt.timedelta | None) -> str:
    """``3 min``, ``1 h 05 min``, ``2 d 4 h``; ``—`` for none."""
    if delta is None:
        return "—"
    minutes = max(0, int(delta.total_seconds() // 60))
    if minutes < 1:
        return "< 1 min"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def _iso(t: dt.datetime | None) -> str | None:
    return t.isoformat() if t else None


def board_json(board: Board) -> dict:
    """The board as JSON-ready data (the API's answer)."""
    return {
        "now": board.now.isoformat(),
        "team": board.team,
        "teams": list(board.teams),
        "rules": {"stuck_after_minutes": board.rules.stuck_after.total_seconds() / 60,
                  "active_within_minutes": board.rules.active_within.total_seconds() / 60},
        "labs": [{"name": lab.name, "max_score": lab.max_score, "released": lab.released,
                  "exercises": [{"key": e.key, "grade_id": e.grade_id, "notebook": e.notebook,
                                 "max_score": e.max_score} for e in lab.exercises]} for lab in board.labs],
        "participants": [{
            "username": r.member.username, "full_name": r.member.full_name, "team": r.member.team,
            "server_running": r.member.server_running, "last_activity": _iso(r.member.last_activity),
            "active": r.active, "stuck": r.stuck, "last_progress": _iso(r.last_progress),
            "minutes_since_progress": (round(r.since_progress.total_seconds() / 60, 1)
                                       if r.since_progress is not None else None),
            "cells": {c.lab: {"state": c.state, "score": c.score, "max_score": c.max_score,
                              "submitted_at": _iso(c.submitted_at), "note": c.note, "exercises": c.exercises,
                              "my_case": c.my_case}
                      for c in r.cells},
        } for r in board.rows],
        "exercises": [{"lab": s.exercise.lab, "key": s.exercise.key, "grade_id": s.exercise.grade_id,
                       "passing": s.passing, "graded": s.graded, "room": s.room, "share_passing": round(s.share, 4),
                       "top_failure": s.top_failure, "top_failure_count": s.top_failure_count}
                      for s in board.summaries],
    }
