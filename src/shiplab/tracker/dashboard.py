"""What the manager's dashboard shows besides the figures: which cohort, where each cohort stands, and who.

A share shipped within 60 days means something only beside how far the cohort is into its 60 days: 40 % three days
after the workshop is a fast start, 40 % on day 75 is a problem. So the dashboard opens on one cohort — the latest
whose workshop has ended (:func:`default_cohort`) — and lists every cohort with its day and its own figures
(:func:`cohort_rows`); "all cohorts" is a choice (``?cohort=*``), never the default.

People are shown by name (:func:`people_rows`): every plan the viewer may see with its status, the check-ins due
and whether it is overdue, and, for one cohort, the participants who have no plan yet (:func:`without_plan`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from shiplab.tracker import figurebook, rules
from shiplab.tracker.auth import HubUser
from shiplab.tracker.models import Cohort, CohortMember, Person, Reminder, ShipPlan
from shiplab.tracker.service import _taught_cohorts, cohort_facts, plan_filter

ALL = "*"  # ?cohort=* : every cohort together
MAX_PEOPLE = 200  # rows in the people table; the CSV export has them all


def default_cohort(cohorts: list[Cohort], now: dt.datetime) -> Cohort | None:
    """The cohort the dashboard opens on: the latest whose workshop has ended (in its time zone), else the first
    to end. ``cohorts`` come latest first (:func:`~shiplab.tracker.service.cohorts_visible`)."""
    ended = [c for c in cohorts if rules.local_date(cohort_facts(c), now) >= c.workshop_end]
    return ended[0] if ended else (cohorts[-1] if cohorts else None)


def day_of(cohort: Cohort, now: dt.datetime) -> int:
    """Today's day number after the cohort's workshop (day 0 is its last day)."""
    facts = cohort_facts(cohort)
    return rules.day_number(facts, rules.local_date(facts, now))


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    day: int
    figures: figurebook.GroupFigures


def cohort_rows(cohorts: list[Cohort], figs: figurebook.Figures, now: dt.datetime) -> list[CohortRow]:
    """Each visible cohort with plans, its day after the workshop and its own figures, latest first."""
    return [CohortRow(c, day_of(c, now), figs.by_cohort[c.name]) for c in cohorts if c.name in figs.by_cohort]


@dataclass(frozen=True)
class PersonRow:
    plan_id: int
    username: str
    full_name: str
    team: str
    cohort: str
    status: str
    planned: dt.date
    last_checkin: dt.date | None
    shipped_day: int | None
    due: tuple[int, ...]
    overdue: bool
    checkin_overdue: bool
    cycle: int = 1


def people_rows(plans: list[rules.PlanFacts], names: dict[str, str], now: dt.datetime,
                late: set[int]) -> list[PersonRow]:
    """One row per plan: who, where it stands; overdue ones first, then by cohort and name."""
    rows = []
    for p in plans:
        last = rules.local_date(p.cohort, p.last_checkin_at) if p.last_checkin_at else None
        rows.append(PersonRow(p.id, p.username, names.get(p.username, ""), p.team, p.cohort.name,
                              "shipped" if p.shipped_on else p.status, p.planned_ship_date, last, rules.days_to_ship(p),
                              rules.checkins_due(p, now), rules.is_overdue(p, now), p.id in late, p.cycle))
    return sorted(rows, key=lambda r: (not (r.overdue or r.checkin_overdue), r.cohort, r.username, r.cycle))


def full_names(session: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    q = select(Person.username, Person.full_name).where(Person.username.in_(usernames))
    return {u: n for u, n in session.execute(q)}


def without_plan(session: Session, user: HubUser, cohort: Cohort, team: str | None = None) -> list[tuple[str, str]]:
    """(username, full name) of the cohort's active participants ``user`` may see who have no plan in it yet."""
    q = (select(Person.username, Person.full_name).join(CohortMember, CohortMember.person_id == Person.id)
         .where(CohortMember.cohort_id == cohort.id, CohortMember.role == "participant", Person.active,
                ~exists().where(ShipPlan.person_id == Person.id, ShipPlan.cohort_id == cohort.id))
         .order_by(Person.username))
    if team:
        q = q.where(Person.team == team)
    if user.role == "manager":
        q = q.where(or_(Person.manager_username == user.name,
                        Person.team.in_(user.teams or ("",)) & (Person.team != "")))
    elif user.role == "instructor":
        q = q.where(CohortMember.cohort_id.in_(_taught_cohorts(user)))
    elif user.role != "admin":
        return []
    return [(u, n) for u, n in session.execute(q)]


def reminder_summary(session: Session, user: HubUser) -> dict:
    """Reminders of the visible plans: counts by status and the latest failures (for the dashboard)."""
    q = select(Reminder.status, func.count()).select_from(Reminder).group_by(Reminder.status)
    if user.role != "admin":  # an admin's count needs no join: the status index answers it
        q = q.join(ShipPlan, ShipPlan.id == Reminder.plan_id).join(Person, Person.id == ShipPlan.person_id) \
            .where(plan_filter(user))
    counts = dict(session.execute(q).all())
    failed = list(session.execute(
        select(Person.username, Reminder.due_day, Reminder.channel, Reminder.attempts, Reminder.last_error)
        .select_from(Reminder).join(ShipPlan, ShipPlan.id == Reminder.plan_id)
        .join(Person, Person.id == ShipPlan.person_id)
        .where(plan_filter(user), Reminder.status == "failed").order_by(Reminder.id.desc()).limit(20)))
    return {"counts": {s: counts.get(s, 0) for s in ("pending", "sending", "sent", "failed")}, "failed": failed}
