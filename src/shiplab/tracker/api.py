"""The JSON API under ``/api/``: what a notebook or a CI job needs to keep a ship plan current.

Authenticate with the hub token (``Authorization: token $JUPYTERHUB_API_TOKEN``). From a notebook::

    import os, httpx
    hub = {"Authorization": f"token {os.environ['JUPYTERHUB_API_TOKEN']}"}
    me = httpx.get(f"{TRACKER}/api/me", headers=hub).json()
    httpx.post(f"{TRACKER}/api/plans/{me['plans'][0]}/checkins", headers=hub,
               json={"status": "in_review", "note": "PR open", "evidence_url": "https://git.example/pr/7"})

A browser session may call it too, with the page's CSRF token in ``X-CSRF-Token`` for writes. Errors:
``{"error": {"status", "code", "message"}}``; a refused field or parameter is a 422 that names it, says what was
wrong and what is allowed (the bounds are in :mod:`.schemas`). An id that no plan can have is a 404.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from shiplab.tracker import service
from shiplab.tracker.deps import DB, NOW, USER, WRITER
from shiplab.tracker.auth import HubUser
from shiplab.tracker.models import Person, ShipPlan
from shiplab.tracker.schemas import CheckInIn, CheckInOut, Limit, NameFilter, Offset, PlanIn, PlanOut, ShippedIn

router = APIRouter(prefix="/api", tags=["tracker"])


@router.get("/me", summary="Who am I, and which plans are mine")
def me(user: HubUser = USER, session: Session = DB) -> dict:
    return {"name": user.name, "role": user.role, "teams": list(user.teams),
            "plans": [p.id for p in service.my_plans(session, user)],
            "cohorts": [{"id": c.id, "name": c.name} for c in service.my_cohorts(session, user)]}


@router.get("/plans", summary="Plans you may see (yours; your teams'; your cohorts'; all for admins)")
def list_plans(cohort: NameFilter = None, team: NameFilter = None, limit: Limit = 100, offset: Offset = 0,
               user: HubUser = USER, session: Session = DB, now: dt.datetime = NOW) -> list[PlanOut]:
    from sqlalchemy import select

    from shiplab.tracker.models import Cohort

    q = (select(ShipPlan).join(Person, Person.id == ShipPlan.person_id).where(service.plan_filter(user))
         .order_by(ShipPlan.id).limit(limit).offset(offset))
    if cohort:
        q = q.where(ShipPlan.cohort_id.in_(select(Cohort.id).where(Cohort.name == cohort)))
    if team:
        q = q.where(Person.team == team)
    return [service.plan_out(p, now) for p in session.scalars(q).unique()]


@router.post("/plans", status_code=201, summary="Create your ship plan")
def create_plan(data: PlanIn, user: HubUser = WRITER, session: Session = DB, now: dt.datetime = NOW) -> PlanOut:
    return service.plan_out(service.save_plan(session, user, data, now=now), now)


@router.get("/plans/{plan_id}", summary="One plan")
def get_plan(plan_id: int, user: HubUser = USER, session: Session = DB, now: dt.datetime = NOW) -> PlanOut:
    return service.plan_out(service.get_plan(session, user, plan_id), now)


@router.put("/plans/{plan_id}", summary="Change your plan's fields")
def update_plan(plan_id: int, data: PlanIn, user: HubUser = WRITER, session: Session = DB,
                now: dt.datetime = NOW) -> PlanOut:
    return service.plan_out(service.save_plan(session, user, data, plan_id, now=now), now)


@router.get("/plans/{plan_id}/checkins", summary="A plan's check-ins, newest first")
def list_checkins(plan_id: int, user: HubUser = USER, session: Session = DB) -> list[CheckInOut]:
    plan = service.get_plan(session, user, plan_id)
    return [service.checkin_out(c) for c in service.checkins_of(session, plan, limit=500)]


@router.post("/plans/{plan_id}/checkins", status_code=201, summary="Check in on your plan")
def create_checkin(plan_id: int, data: CheckInIn, user: HubUser = WRITER, session: Session = DB,
                   now: dt.datetime = NOW) -> CheckInOut:
    return service.checkin_out(service.check_in(session, user, plan_id, data, now))


@router.post("/plans/{plan_id}/shipped", status_code=201, summary="Record that your plan shipped")
def create_shipped(plan_id: int, data: ShippedIn, user: HubUser = WRITER, session: Session = DB,
                   now: dt.datetime = NOW) -> PlanOut:
    service.mark_shipped(session, user, plan_id, data, now)
    return service.plan_out(service.get_plan(session, user, plan_id), now)


@router.get("/figures", summary="Figures for the plans you may see: overall, per cohort, per team",
            description="`left_out` names, by reason, the plans whose stored ship date (the whole plan) or metric "
                        "values (their change) cannot be right and are left out of the figures. `shipping` shows "
                        "verified and self-reported shipping apart; `shipping.counts` says which the figures count "
                        "(`both`, or `verified` only: the `tracker.count_shipped` setting). The 60-day figures count "
                        "each person's first plan of a cohort; `outcomes` (every plan) has adoption at 14 days after "
                        "shipping, the median metric change 30 and 60 days after shipping, and the cycles: plans per "
                        "person and the median days from one ship to the next.")
def figures(request: Request, cohort: NameFilter = None, team: NameFilter = None, user: HubUser = USER,
            session: Session = DB, now: dt.datetime = NOW) -> dict:
    figs = request.app.state.facts.figures(session, user, now, cohort=cohort or None, team=team or None)[1]
    split = service.shipping_split(request.app.state.facts, session, user, now, cohort=cohort or None,
                                   team=team or None)
    plans = request.app.state.facts.get(session, user, cohort=cohort or None, team=team or None)
    outcomes = request.app.state.outcomes.figures(session, service.viewer_key(user, cohort, team), plans, now)
    return {"as_of": now.isoformat(), **figs.as_dict(), "shipping": split, "outcomes": outcomes.as_dict()}
