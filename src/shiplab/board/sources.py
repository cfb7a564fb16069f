"""Where the board's facts come from; every reader is read-only and cached by the files' modification times.

- the grading queue ``<state>/grading/<course>/queue.db`` (the grading engine's; opened ``mode=ro``, so the board
  can never write a job): every submission with its state and score;
- the exchange's ``inbound/`` (submissions the worker has not filed yet), parsed by the engine's own
  :func:`shiplab.grading.watch.scan_inbound`;
- nbgrader's gradebook ``<course>/gradebook.db`` through :class:`nbgrader.api.Gradebook` on a read-only URL: the
  labs' autograded test cells and each participant's standing grade per cell;
- the autograded notebooks ``<course>/autograded/<student>/<lab>/*.ipynb``: the message of each failing test
  (``AssertionError: numbers.txt adds up to 60``);
- the roster (``<state>/roster.json``) for full names and teams, and the hub's users API for groups, servers and
  activity (:mod:`.hubapi`).

A file that cannot be read right now (the worker is mid-write, the gradebook does not exist yet) gives the last
good reading, or nothing, and a note in the log — never a broken board.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import pwd
import sqlite3
import stat
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from shiplab.board.model import Attempt, Exercise, Graded, Lab, Member

log = logging.getLogger("shiplab.board")
UTC = dt.timezone.utc
MAX_MESSAGE = 300


def utc(t: dt.datetime | None) -> dt.datetime | None:
    """Naive times from nbgrader and the queue are UTC."""
    if t is None:
        return None
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def parse_time(value) -> dt.datetime | None:
    """An ISO time (the hub's ``2026-11-30T09:01:02.123Z``, the queue's sort key) or a Unix time, in UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, UTC)
    try:
        return utc(dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")))
    except ValueError:
        return None


@dataclass(frozen=True)
class CoursePaths:
    state: Path
    course: str

    @property
    def root(self) -> Path:
        return self.state / "courses" / self.course

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def queue(self) -> Path:
        return self.state / "grading" / self.course / "queue.db"

    @property
    def inbound(self) -> Path:
        return self.state / "exchange" / self.course / "inbound"

    @property
    def outbound(self) -> Path:
        return self.state / "exchange" / self.course / "outbound"

    def feedback_dir(self, student: str, lab: str) -> Path:
        return self.root / "feedback" / student / lab


def _stamp(path: Path) -> tuple:
    """What changes when a SQLite file (or its WAL) is written."""
    out = []
    for p in (path, path.with_name(path.name + "-wal")):
        try:
            st = p.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def read_queue(path: Path) -> tuple[list[Attempt], set[tuple[str, str, str]]]:
    """Every job of the grading queue, read without any chance of writing, and the (lab, student, timestamp) of
    each, as the exchange names them."""
    if not path.exists():
        return [], set()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        rows = db.execute("SELECT lab, student, submitted_at, sort_key, state, score, max_score, reason, finished_at "
                          "FROM jobs").fetchall()
    finally:
        db.close()
    out, stamps = [], set()
    for lab, student, stamp, sort_key, state, score, max_score, reason, finished in rows:
        stamps.add((lab, student, stamp))
        when = parse_time(sort_key)
        if when is None:
            continue
        out.append(Attempt(lab=lab, student=student, submitted_at=when, state=state, score=score,
                           max_score=max_score, reason=reason, finished_at=parse_time(finished)))
    return out, stamps


def read_inbound(inbound: Path, filed_stamps: set[tuple[str, str, str]]) -> list[Attempt]:
    """Submissions in the exchange that the queue does not hold yet (state ``inbound``)."""
    from shiplab.grading.watch import scan_inbound

    try:
        found = scan_inbound(inbound)
    except OSError as exc:  # e.g. a hub not run as root cannot list another account's inbound folder
        log.warning("cannot read the exchange's inbound folder %s: %s", inbound, exc)
        return []
    out = []
    for sub in found:
        if (sub.lab, sub.student, sub.timestamp) in filed_stamps:
            continue
        when = parse_time(sub.sort_key)
        if when is not None:
            out.append(Attempt(lab=sub.lab, student=sub.student, submitted_at=when, state="inbound"))
    return out


def failing_messages(notebook: Path) -> dict[str, str]:
    """grade_id -> ``ename: evalue`` (first line, trimmed) of every autograded test cell that raised."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out = {}
    for cell in nb.get("cells", []):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        if not meta.get("grade") or not meta.get("grade_id"):
            continue
        for o in cell.get("outputs") or []:
            if o.get("output_type") == "error":
                value = str(o.get("evalue") or "").strip().splitlines()
                msg = f"{o.get('ename') or 'Error'}: {value[0] if value else ''}".strip().rstrip(":")
                out[str(meta["grade_id"])] = msg[:MAX_MESSAGE]
                break
    return out


def grade_id_order(notebook: Path) -> dict[str, int]:
    """grade_id -> position of every nbgrader cell in ``notebook`` (empty when it cannot be read)."""
    try:
        nb = json.loads(notebook.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, int] = {}
    for cell in nb.get("cells", []):
        grade_id = ((cell.get("metadata") or {}).get("nbgrader") or {}).get("grade_id")
        if grade_id and str(grade_id) not in out:
            out[str(grade_id)] = len(out)
    return out


def fetched_labs(home: Path | None, labs: list[str], course: str) -> dict[str, dt.datetime] | None:
    """lab -> when the participant fetched it: nbgrader's Fetch makes ``<home>/<lab>/`` (or ``<home>/<course>/<lab>/``
    with ``path_includes_course``); the folder's change time is when. None when their home cannot be seen."""
    if home is None:
        return None
    out = {}
    for lab in labs:
        for folder in (home / lab, home / course / lab):
            try:
                st = folder.stat()
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                out[lab] = dt.datetime.fromtimestamp(st.st_mtime, UTC)
                break
    return out


@dataclass(frozen=True)
class Homes:
    """Where the spawner keeps each participant's home folder, so the board can see which labs they fetched.

    ``developer``: ``<state>/homes/<username>``; ``unix-users``: the home of the Unix account ``<prefix><username>``
    (the board runs as root there); any other mode (docker, kubernetes: homes are volumes) is not visible."""

    mode: str
    state: Path
    prefix: str = ""

    @classmethod
    def from_settings(cls, settings: dict, state: Path) -> "Homes":
        mode = settings.get("spawner.mode", "auto")
        if mode == "auto":
            mode = "unix-users" if os.geteuid() == 0 else "developer"
        return cls(mode, state, settings.get("spawner.unix_user_prefix", ""))

    def of(self, username: str) -> Path | None:
        if self.mode == "developer":
            return self.state / "homes" / username
        if self.mode == "unix-users":
            try:
                return Path(pwd.getpwnam(f"{self.prefix}{username}").pw_dir)
            except KeyError:
                return None
        return None


class CourseReader:
    """The course's labs, grades and submissions, re-read only when their files change."""

    def __init__(self, paths: CoursePaths):
        self.paths = paths
        self._lock = threading.Lock()
        self._grades_key: tuple | None = None
        self._grades: tuple[list[Lab], list[Graded]] = ([], [])
        self._messages: dict[Path, tuple[int, dict[str, str]]] = {}

    def attempts(self) -> list[Attempt]:
        try:
            filed, stamps = read_queue(self.paths.queue)
        except sqlite3.Error as exc:
            log.warning("grading queue %s not readable now: %s", self.paths.queue, exc)
            filed, stamps = [], set()
        return filed + read_inbound(self.paths.inbound, stamps)

    def grades(self) -> tuple[list[Lab], list[Graded]]:
        """(labs in name order, each marked released or not; standing grades); the last good reading while the
        gradebook is busy."""
        labs, graded = self._gradebook()
        return [replace(lab, released=(self.paths.outbound / lab.name).is_dir()) for lab in labs], graded

    def _gradebook(self) -> tuple[list[Lab], list[Graded]]:
        key = (_stamp(self.paths.gradebook), _stamp(self.paths.root / "autograded"))
        with self._lock:
            if key == self._grades_key:
                return self._grades
            if not self.paths.gradebook.exists():
                return [], []
            try:
                self._grades = self._read_gradebook()
                self._grades_key = key
            except Exception as exc:  # noqa: BLE001 -- a busy or half-written gradebook: keep the last reading
                log.warning("gradebook %s not readable now (%s: %s); showing the last reading",
                            self.paths.gradebook, type(exc).__name__, exc)
            return self._grades

    def _read_gradebook(self) -> tuple[list[Lab], list[Graded]]:
        """Two set-based queries over nbgrader's own models (walking the relationships costs a query per grade:
        seconds for a full room), plus the labs' test cells."""
        from nbgrader.api import (
            Assignment,
            Gradebook,
            GradeCell,
            Grade,
            Notebook,
            SubmittedAssignment,
            SubmittedNotebook,
        )

        url = f"sqlite:///file:{self.paths.gradebook}?mode=ro&uri=true"
        with Gradebook(url, self.paths.course) as gb:
            labs = []
            for a in sorted(gb.assignments, key=lambda a: a.name):
                labs.append(Lab(a.name, tuple(
                    Exercise(lab=a.name, notebook=nb.name, grade_id=gc.name, max_score=gc.max_score)
                    for nb in a.notebooks for gc in self._in_notebook_order(a.name, nb.name, nb.grade_cells)
                    if gc.cell_type == "code")))
            subs = (gb.db.query(SubmittedAssignment.id, SubmittedAssignment.student_id, Assignment.name,
                                SubmittedAssignment.timestamp, SubmittedAssignment.score,
                                SubmittedAssignment.max_score)
                    .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id).all())
            grades = (gb.db.query(SubmittedNotebook.assignment_id, SubmittedNotebook.id, Notebook.name, GradeCell.name,
                                  Grade.score)
                      .select_from(Grade)
                      .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
                      .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
                      .join(GradeCell, Grade.cell_id == GradeCell.id).all())
        cells: dict[str, dict[str, float]] = {}
        ids: dict[str, dict[str, str]] = {}
        for sub_id, snb_id, nb_name, cell_name, score in grades:
            cells.setdefault(sub_id, {})[f"{nb_name}/{cell_name}"] = float(score or 0.0)
            ids.setdefault(sub_id, {})[nb_name] = snb_id
        graded = []
        for sub_id, student, lab, timestamp, score, max_score in subs:
            failures = {}
            for nb_name in ids.get(sub_id, {}):
                for grade_id, message in self._failures(student, lab, nb_name).items():
                    failures[f"{nb_name}/{grade_id}"] = message
            graded.append(Graded(lab=lab, student=student, score=float(score or 0.0),
                                 max_score=float(max_score or 0.0), timestamp=utc(timestamp),
                                 cells=cells.get(sub_id, {}), failures=failures, notebook_ids=ids.get(sub_id, {})))
        return labs, graded

    def _in_notebook_order(self, lab: str, notebook: str, cells: list) -> list:
        """The gradebook's test cells of a notebook in the order the participant meets them (the gradebook keeps no
        order): as they stand in the released notebook, or the course's source; by name where neither has them."""
        order: dict[str, int] = {}
        for folder in ("release", "source"):
            order = grade_id_order(self.paths.root / folder / lab / f"{notebook}.ipynb")
            if order:
                break
        return sorted(cells, key=lambda gc: (order.get(gc.name, len(order)), gc.name))

    def _failures(self, student: str, lab: str, notebook: str) -> dict[str, str]:
        path = self.paths.root / "autograded" / student / lab / f"{notebook}.ipynb"
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return {}
        cached = self._messages.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
        messages = failing_messages(path)
        self._messages[path] = (mtime, messages)
        return messages


def members_from(hub_users: list[dict] | None, roster_people: list, participants_group: str,
                 fetched=lambda username: None) -> list[Member]:
    """The room: the hub's members of the participants group (live groups, servers, activity) with full names from
    the roster and the labs they fetched (``fetched(username)``, see :func:`fetched_labs`); the roster alone (no
    activity known) when the hub could not be asked."""
    names = {p.username: p for p in roster_people}
    if hub_users is None:
        return [Member(username=p.username, full_name=p.full_name, team=p.team, fetched=fetched(p.username))
                for p in roster_people if p.role == "participant"]
    out = []
    for u in hub_users:
        groups = set(u.get("groups") or ())
        if participants_group not in groups:
            continue
        server = (u.get("servers") or {}).get("") or {}
        teams = sorted(g.removeprefix("team-") for g in groups if g.startswith("team-"))
        person = names.get(u["name"])
        out.append(Member(username=u["name"], full_name=person.full_name if person else "",
                          team=teams[0] if teams else (person.team if person else ""),
                          server_running=bool(server.get("ready")), server_started=parse_time(server.get("started")),
                          fetched=fetched(u["name"]),
                          last_activity=max((t for t in (parse_time(u.get("last_activity")),
                                                         parse_time(server.get("last_activity"))) if t),
                                            default=None)))
    return out
