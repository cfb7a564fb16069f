"""The hub's roster → the tracker's people and cohort, at start-up and whenever the roster is imported again.

``shiplab roster import`` writes ``<state>/roster.json`` atomically; the hub's ``shiplab-roster`` service brings the
hub's groups in line with it, and :class:`RosterFollower` does the same for the tracker: everyone on the roster
becomes (or stays) a tracker person with their role, team and manager (:func:`~.enrol.ensure_people`), people
dropped from it become inactive (their plans stay in the figures), and the participants and instructors are
enrolled in the configured cohort — ``tracker.cohort`` with its dates — or, without one, in the demo cohort
when ``tracker.demo_cohort`` is on. Every step is safe to repeat; a roster file that cannot be read is reported
in the log and the last good one stays in force.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

from sqlalchemy.orm import Session

from shiplab.tracker.enrol import ensure_cohort, ensure_people
from shiplab.tracker.settings import TrackerSettings

log = logging.getLogger("shiplab.tracker.roster")


def read_roster(path: Path) -> list:
    """The people of an imported roster (``roster.json`` as :mod:`shiplab.roster` saves it)."""
    from shiplab.roster import Person

    data = json.loads(path.read_text(encoding="utf-8"))
    return [Person(**p) for p in data["people"]]


def apply_roster(session: Session, people: list, settings: TrackerSettings) -> str:
    """Upsert ``people`` and enrol them in the configured (or demo) cohort; returns the cohort's name or ''."""
    if settings.cohort:
        cohort = ensure_cohort(session, settings.cohort, start=settings.workshop_start, end=settings.workshop_end,
                               timezone=settings.timezone)
        ensure_people(session, people, cohort)
        return cohort.name
    if settings.demo:
        from shiplab.tracker.demo import ensure_demo_data

        return ensure_demo_data(session, people).name
    ensure_people(session, people, None)
    return ""


class RosterFollower:
    """Applies the roster file when it changed since the last look (size and modification time)."""

    def __init__(self, path: Path, settings: TrackerSettings):
        self.path, self.settings = path, settings
        self.seen: tuple[int, int] | None = None

    def sync(self, sessions) -> bool:
        """Apply the roster if it changed; True when it was applied."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return False
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self.seen:
            return False
        try:
            people = read_roster(self.path)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("cannot read the roster %s (%s); keeping the people the tracker has", self.path, exc)
            self.seen = stamp
            return False
        with sessions() as session:
            cohort = apply_roster(session, people, self.settings)
        self.seen = stamp
        log.info("roster %s: %d people%s", self.path, len(people), f", enrolled in cohort {cohort!r}" if cohort else "")
        return True

    async def follow(self, sessions, interval_s: float) -> None:
        """Look every ``interval_s`` seconds until cancelled (errors are logged, never fatal)."""
        while True:
            await asyncio.sleep(interval_s)
            try:
                await asyncio.to_thread(self.sync, sessions)
            except Exception:
                log.exception("applying the roster failed; trying again in %ss", interval_s)
