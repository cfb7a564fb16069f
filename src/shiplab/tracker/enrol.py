"""Cohorts and their people, made from the hub's roster; every function is safe to run again.

The roster (:mod:`shiplab.roster`) says who takes part, in which role and team, and who their manager is.
:func:`ensure_people` brings the tracker's people in line with it — new people are added, changed ones updated,
people no longer on it marked inactive (their plans stay in the figures) — and enrols the roster's participants and
instructors in a cohort.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from shiplab.tracker import rules
from shiplab.tracker.models import Cohort, CohortMember, Person


class RosterPerson(Protocol):
    username: str
    full_name: str
    email: str
    role: str
    team: str
    manager: str


def ensure_cohort(session: Session, name: str, *, start: dt.date, end: dt.date, timezone: str = "UTC",
                  course: str = "") -> Cohort:
    """The cohort called ``name`` with these dates and time zone (created, or updated in place)."""
    rules.zone(timezone)  # an unknown zone is refused here, with its name
    if end < start:
        from shiplab.errors import ShiplabError

        raise ShiplabError(f"cohort {name!r}: the workshop ends ({end}) before it starts ({start}).",
                           hint="swap the dates.")
    cohort = session.scalar(select(Cohort).where(Cohort.name == name))
    if cohort is None:
        cohort = Cohort(name=name)
        session.add(cohort)
    cohort.workshop_start, cohort.workshop_end, cohort.timezone = start, end, timezone
    cohort.course = course or cohort.course or ""
    session.commit()
    return cohort


def ensure_people(session: Session, roster: Iterable[RosterPerson], cohort: Cohort | None = None) -> int:
    """Upsert everyone on the roster (and enrol participants and instructors in ``cohort``); returns how many."""
    people = list(roster)
    known = {p.username: p for p in session.scalars(select(Person))}
    for r in people:
        person = known.get(r.username)
        if person is None:
            person = Person(username=r.username)
            session.add(person)
            known[r.username] = person
        person.full_name, person.email, person.role = r.full_name, r.email, r.role
        person.team, person.manager_username, person.active = r.team or "", r.manager or "", True
    on_roster = {r.username for r in people}
    for name, person in known.items():
        if name not in on_roster and person.role != "admin":
            person.active = False
    session.flush()
    if cohort is not None:
        members = set(session.scalars(select(CohortMember.person_id).where(CohortMember.cohort_id == cohort.id)))
        for r in people:
            person = known[r.username]
            if r.role in ("participant", "instructor") and person.id not in members:
                session.add(CohortMember(cohort_id=cohort.id, person_id=person.id, role=r.role))
    session.commit()
    return len(people)
