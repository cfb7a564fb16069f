"""The roster's participants as nbgrader's students: names and e-mails in the gradebook, kept in line.

nbgrader's formgrader (Manage Students) shows each student's last name, first name and e-mail from the gradebook.
Autograde adds a student with nothing but the id, so without this every row read "None, None" and "None".
:func:`sync_roster` writes the roster's participants into an existing gradebook — the first word of the full name as
the first name, the rest as the last name — and updates them when a re-imported roster changes a name or an e-mail.
People who left the roster stay (their grades do), unchanged. Safe to re-run: nothing is written when nothing
changed.

It runs where the roster is read: ``shiplab roster import`` (:func:`shiplab.hub.launch.import_roster`) and after a
lab is built (the first build makes the gradebook; ``shiplab course`` as root syncs once the grader's build is done).
"""

from __future__ import annotations

import logging
from pathlib import Path

from shiplab.course import paths
from shiplab import roster

log = logging.getLogger("shiplab.course")


def split_name(full_name: str) -> tuple[str, str]:
    """First word and the rest: ("Chloé", "Martin") from "Chloé Martin", ("Ana", "María López") — no guessing."""
    first, _, last = " ".join(full_name.split()).partition(" ")
    return first, last


def gradebook_students(people: list[roster.Person]) -> dict[str, dict[str, str]]:
    """id -> nbgrader's student fields for every participant of the roster."""
    out = {}
    for p in people:
        if p.role == "participant":
            first, last = split_name(p.full_name)
            out[p.username] = {"first_name": first, "last_name": last, "email": p.email}
    return out


def ensure_students(gradebook: Path, course_id: str, people: list[roster.Person]) -> list[str]:
    """Add or update the roster's participants in ``gradebook``; return the ids whose entry changed."""
    from nbgrader.api import Gradebook, MissingEntry

    changed = []
    with Gradebook(f"sqlite:///{gradebook}", course_id) as gb:
        for student_id, fields in gradebook_students(people).items():
            try:
                s = gb.find_student(student_id)
                if all(getattr(s, k) == v for k, v in fields.items()):
                    continue
            except MissingEntry:
                pass
            gb.update_or_create_student(student_id, **fields)
            changed.append(student_id)
    return changed


def sync_roster(state: Path, course_id: str, people: list[roster.Person] | None = None) -> list[str] | None:
    """The roster (default: the imported one) into the course's gradebook; None when there is no gradebook yet (the
    first build makes it and syncs) or the roster cannot be read here (the grader account cannot read it: the root
    side syncs)."""
    gradebook = paths.course_dir(state, course_id) / "gradebook.db"
    if not gradebook.exists():
        return None
    try:
        people = roster.load(state) if people is None else people
    except PermissionError:
        return None
    changed = ensure_students(gradebook, course_id, people)
    if changed:
        log.info("gradebook %s: names and e-mails of %d participant(s) from the roster", gradebook, len(changed))
    return changed
