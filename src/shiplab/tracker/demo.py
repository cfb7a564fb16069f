"""The demo cohort: the hub's demo roster enrolled in a workshop that ended a few days ago.

:func:`ensure_demo_data` is safe to run at every start: the cohort keeps its dates once made (so check-in days do
not move under a running demo), people are updated from the roster, and nobody is enrolled twice. Ship plans are
not invented: participants write their own in the last lab or on the tracker page.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from shiplab.tracker.enrol import RosterPerson, ensure_cohort, ensure_people
from shiplab.tracker.models import Cohort

DEMO_COHORT = "demo"
DEMO_COURSE = "shiplab-demo"
DEMO_TIMEZONE = "Europe/Berlin"


def ensure_demo_data(session: Session, roster: list[RosterPerson], today: dt.date | None = None) -> Cohort:
    """The demo cohort (a two-day workshop that ended three days before ``today``) with the roster enrolled."""
    existing = session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if existing is None:
        today = today or dt.date.today()
        end = today - dt.timedelta(days=3)
        cohort = ensure_cohort(session, DEMO_COHORT, start=end - dt.timedelta(days=1), end=end,
                               timezone=DEMO_TIMEZONE, course=DEMO_COURSE)
    else:
        cohort = existing
    ensure_people(session, roster, cohort)
    return cohort
