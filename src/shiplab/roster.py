"""The cohort roster: who takes part, in which role and team, and who their manager is.

A roster is a CSV file with the columns ``username, full_name, email, role, team, manager``. Importing it is
all-or-nothing: every row is checked first and every problem is reported with its line number; only a clean file
is applied. The checked roster is kept as ``<state>/roster.json``; the hub's configuration reads it at start-up
(users, groups, roles) and :mod:`shiplab.hub.sync` brings a running hub's groups in line without a restart.

Groups made from a roster: ``participants``, ``instructors``, ``managers`` and ``team-<team>``. Roles are granted to
those groups in the hub configuration (see :mod:`shiplab.hub.roles`), so a re-import only changes group membership.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from shiplab.errors import RosterError

COLUMNS = ("username", "full_name", "email", "role", "team", "manager")
ROLES = ("participant", "instructor", "manager")
ROLE_GROUPS = {"participant": "participants", "instructor": "instructors", "manager": "managers"}
USERNAME_RE = re.compile(r"^[a-z][a-z0-9._-]{0,23}$")
TEAM_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
MAX_BYTES = 5_000_000


@dataclass(frozen=True)
class Person:
    username: str
    full_name: str
    email: str
    role: str
    team: str = ""
    manager: str = ""

    @property
    def groups(self) -> list[str]:
        g = [ROLE_GROUPS[self.role]]
        if self.team:
            g.append(team_group(self.team))
        return g


def team_group(team: str) -> str:
    return f"team-{team}"


def parse(text: str, source: str = "roster") -> list[Person]:
    """Check every row of a roster CSV; return the people or raise one :class:`RosterError` listing all problems."""
    if not text.strip():
        raise RosterError(f"{source}: the file is empty.",
                          hint=f"it needs a header row: {','.join(COLUMNS)}, then one row per person.")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        raise RosterError(f"{source}: line 1 is not valid CSV ({exc}).") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise RosterError(
            f"{source}: line 1: missing column(s) {', '.join(missing)}; found {', '.join(header) or 'nothing'}.",
            hint=f"the header row must name these columns: {','.join(COLUMNS)} (any order).")
    index = {c: header.index(c) for c in COLUMNS}
    problems: list[str] = []
    people: list[Person] = []
    first_line: dict[str, int] = {}
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise RosterError(f"{source}: line {reader.line_num}: not valid CSV ({exc}).",
                          hint="check for an unclosed quote.") from None
    line = 1
    for row in rows:
        line += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            problems.append(f"line {line}: expected {len(header)} columns, found {len(row)}.")
            continue
        v = {c: row[i].strip() for c, i in index.items()}
        errs = []
        if not USERNAME_RE.match(v["username"]):
            errs.append(f"username {v['username']!r} must be 1-24 characters of a-z, 0-9, '.', '_', '-', "
                        "starting with a letter (lowercase)")
        if not v["full_name"] or len(v["full_name"]) > 120 or any(ch in v["full_name"] for ch in "<>\"\n"):
            errs.append(f"full_name {v['full_name']!r} must be 1-120 characters without < > \"")
        if not EMAIL_RE.match(v["email"]):
            errs.append(f"email {v['email']!r} is not an email address")
        if v["role"] not in ROLES:
            errs.append(f"role {v['role']!r} is not one of {', '.join(ROLES)}")
        if v["team"] and not TEAM_RE.match(v["team"]):
            errs.append(f"team {v['team']!r} must be lowercase letters, digits and '-'")
        if v["role"] == "participant" and not v["team"]:
            errs.append("a participant needs a team")
        if v["username"] in first_line:
            errs.append(f"username {v['username']!r} already appears on line {first_line[v['username']]}")
        if errs:
            problems.append(f"line {line}: " + "; ".join(errs) + ".")
            continue
        first_line[v["username"]] = line
        people.append(Person(**v))
    roles = {p.username: p.role for p in people}
    for p in people:
        if p.manager and roles.get(p.manager) != "manager":
            problems.append(f"line {first_line[p.username]}: manager {p.manager!r} of {p.username!r} is not "
                            "a person with role manager in this roster.")
    if problems:
        shown = problems[:25]
        more = f"\n  … and {len(problems) - 25} more" if len(problems) > 25 else ""
        raise RosterError(f"{source}: {len(problems)} problem(s); nothing was imported:\n  "
                          + "\n  ".join(shown) + more,
                          hint="correct those rows and import again; re-importing never duplicates anyone.")
    if not people:
        raise RosterError(f"{source}: no people in the file.", hint="add one row per person after the header.")
    return people


def read(path: str | os.PathLike) -> list[Person]:
    path = Path(path)
    if not path.is_file():
        raise RosterError(f"roster file {path} does not exist.", hint="give the path to your roster CSV.")
    if path.stat().st_size > MAX_BYTES:
        raise RosterError(f"{path}: {path.stat().st_size} bytes is larger than a roster can be ({MAX_BYTES}).",
                          hint="is this the right file?")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="strict") if _is_cp1252(raw) else None
        if text is None:
            raise RosterError(f"{path}: the file is neither UTF-8 nor Windows-1252 text.",
                              hint="save it as 'CSV UTF-8' from your spreadsheet.") from None
    return parse(text, source=str(path))


def _is_cp1252(raw: bytes) -> bool:
    try:
        raw.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def roster_path(state: Path) -> Path:
    return state / "roster.json"


def save(people: list[Person], state: Path) -> Path:
    """Write the checked roster atomically to the state folder."""
    state.mkdir(parents=True, exist_ok=True)
    target = roster_path(state)
    fd, tmp = tempfile.mkstemp(dir=state, prefix=".roster-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"people": [asdict(p) for p in people]}, f, indent=1)
    os.chmod(tmp, 0o600)
    os.replace(tmp, target)
    return target


def load(state: Path) -> list[Person]:
    """The imported roster, or an empty list when none was imported yet."""
    path = roster_path(state)
    if not path.exists():
        return []
    return [Person(**p) for p in json.loads(path.read_text(encoding="utf-8"))["people"]]


def groups_of(people: list[Person]) -> dict[str, list[str]]:
    """Group name -> sorted member usernames (every role group present, even when empty)."""
    groups: dict[str, set[str]] = {g: set() for g in ROLE_GROUPS.values()}
    for p in people:
        for g in p.groups:
            groups.setdefault(g, set()).add(p.username)
    return {g: sorted(m) for g, m in sorted(groups.items())}
