"""Lessons, shared: a shipped or killed plan's short retrospective, and the organisation-wide page that lists them.

A **retrospective** (:class:`~shiplab.tracker.models.Retrospective`) is written by the plan's owner once the plan has
shipped (self-reported or verified) or been killed: what worked, what blocked, which of the five frictions it met,
and whether they would do it again. It can be changed later; the owner may mark it **anonymous**.

The **lessons page** (``/lessons``, ``GET /api/lessons``, ``/lessons.csv``) is for everyone with a tracker role —
participants, managers, instructors, admins: every lesson with its use case, backlog item, metric, cohort and outcome,
searchable (``q`` looks in the use case, backlog item, metric, cohort and both texts — never in names) and filtered
by friction and outcome. It is the one place a participant reads about plans not their own.

**Anonymous to other teams.** For an anonymous lesson, the author's name, username and team and the plan's id are
left out — from the page, the JSON and the CSV alike, in :func:`lessons` itself, so no view can show them — unless
the reader is the author, is in the author's team, or may see the plan anyway (the author's manager, the cohort's
instructors, admins: they see the plan with its owner's name already).
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shiplab.tracker import service
from shiplab.tracker.auth import HubUser
from shiplab.tracker.errors import TrackerError
from shiplab.web.sheets import safe_cell
from shiplab.tracker.models import BLOCKERS, Cohort, Person, Retrospective, ShipPlan
from shiplab.tracker.schemas import LessonOut, RetroIn

MAX_LESSONS = 500
CSV_COLUMNS = ("lesson_id", "outcome", "cohort", "backlog_ref", "use_case", "metric", "what_worked", "what_blocked",
               "frictions", "would_again", "anonymous", "author", "team", "updated_at")


def retro_of(session: Session, plan_id: int) -> Retrospective | None:
    return session.scalar(select(Retrospective).where(Retrospective.plan_id == plan_id))


def save_retro(session: Session, user: HubUser, plan_id: int, data: RetroIn, now: dt.datetime) -> Retrospective:
    """Write or change the owner's retrospective of a shipped or killed plan."""
    with service.writing(session):
        plan = service.owned_plan(session, user, plan_id)
        shipped = plan.shipped is not None or plan.verified is not None or plan.status == "shipped"
        if not shipped and plan.status != "killed":
            raise TrackerError(409, "plan_open", "a retrospective is written once the plan has shipped or been "
                                                 f"stopped (killed); it is {plan.status} now.")
        row = retro_of(session, plan.id) or Retrospective(plan_id=plan.id, created_at=now)
        row.outcome = "shipped" if shipped else "killed"
        row.what_worked, row.what_blocked = data.what_worked, data.what_blocked
        row.frictions = ",".join(data.frictions)
        row.would_again, row.anonymous, row.updated_at = data.would_again, data.anonymous, now
        session.add(row)
        session.commit()
        return row


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def lessons(session: Session, user: HubUser, q: str | None = None, friction: str | None = None,
            outcome: str | None = None, limit: int = MAX_LESSONS) -> list[LessonOut]:
    """The lessons ``user`` may read (every tracker role), newest first, with authors hidden as the module says."""
    service.plan_filter(user)  # a hub user with no tracker role gets the "no role" error
    query = (select(Retrospective, ShipPlan, Person, Cohort.name).join(ShipPlan, ShipPlan.id == Retrospective.plan_id)
             .join(Person, Person.id == ShipPlan.person_id).join(Cohort, Cohort.id == ShipPlan.cohort_id)
             .order_by(Retrospective.updated_at.desc(), Retrospective.id.desc()).limit(limit))
    if q:
        pattern = _like(q.lower())
        query = query.where(or_(*(col.ilike(pattern, escape="\\") for col in (
            ShipPlan.use_case, ShipPlan.backlog_ref, ShipPlan.metric_name, Cohort.name, Retrospective.what_worked,
            Retrospective.what_blocked))))
    if friction:
        if friction not in BLOCKERS:
            raise service.invalid("friction", f"{friction[:40]!r} is not one of the five frictions; use one of "
                                              + ", ".join(BLOCKERS))
        query = query.where(Retrospective.frictions.like(_like(friction), escape="\\"))
    if outcome:
        if outcome not in ("shipped", "killed"):
            raise service.invalid("outcome", f"{outcome[:40]!r} is not an outcome; use shipped or killed")
        query = query.where(Retrospective.outcome == outcome)
    rows = session.execute(query).unique().all()
    ids = [plan.id for _r, plan, _p, _c in rows]
    visible = set(session.scalars(select(ShipPlan.id).join(Person, Person.id == ShipPlan.person_id)
                                  .where(ShipPlan.id.in_(ids), service.plan_filter(user)))) if ids else set()
    out = []
    for retro, plan, person, cohort in rows:
        known = (not retro.anonymous or person.username == user.name or plan.id in visible
                 or (person.team != "" and person.team in user.teams))
        out.append(LessonOut(
            id=retro.id, outcome=retro.outcome, use_case=plan.use_case, backlog_ref=plan.backlog_ref,
            metric_name=plan.metric_name, cohort=cohort, what_worked=retro.what_worked,
            what_blocked=retro.what_blocked, frictions=[f for f in retro.frictions.split(",") if f],
            would_again=retro.would_again, anonymous=retro.anonymous,
            author=(person.full_name or person.username) if known else None,
            team=(person.team or "") if known else None, plan_id=plan.id if plan.id in visible else None,
            updated_at=retro.updated_at))
    return out


def lessons_csv(items: list[LessonOut]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for x in items:
        w.writerow([safe_cell(v) for v in (
            x.id, x.outcome, x.cohort, x.backlog_ref, x.use_case, x.metric_name, x.what_worked, x.what_blocked,
            " ".join(x.frictions), x.would_again, x.anonymous, x.author, x.team, x.updated_at.isoformat())])
    return out.getvalue()
