"""The tracker's pages: my ship plan (participants), the dashboard (managers), cohorts (instructors), CSV export.

Every form carries the session's CSRF token and is checked before anything is read from it; every write goes
through :mod:`.service`, which checks ownership. Templates autoescape everything a person typed.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shiplab.tracker import charts, figurebook, lessons, metrics, rules, service, webhooks
from shiplab.tracker import dashboard as board
from shiplab.tracker.deployments import deployments_of
from shiplab.tracker.deps import DB, NOW, USER
from shiplab.tracker.forms import FormProblem, checked_form, render
from shiplab.tracker.auth import HubUser
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.export import plans_csv
from shiplab.tracker.models import CLOSED_STATUSES, MAX_ID, Cohort
from shiplab.tracker.schemas import CheckInIn, NameFilter, PlanIn, ShippedIn

router = APIRouter(include_in_schema=False)
HOME = {"participant": "/plan", "manager": "/dashboard", "admin": "/dashboard", "instructor": "/cohorts"}


async def saved_or_shown_again(request: Request, user: HubUser, session: Session, now: dt.datetime,
                               retry: dict, save) -> Response:
    """Run ``save`` (the form's check and write); back to /plan when it worked, else the plan page again with the
    form's problems beside its fields and everything typed kept (``retry``: which form on the page it was)."""
    try:
        await save()
    except FormProblem as problem:
        return _plan_page(request, user, session, now, {**retry, "errors": problem.errors, "values": problem.values})
    except TrackerError as exc:  # the service's checks (dates against the cohort's): beside the field they name
        if exc.status not in (400, 422):  # refused for who you are (403, 404, 409): the error page
            raise
        session.rollback()
        field = getattr(exc, "field", None) or "form"
        values = {k: v for k, v in (await request.form()).items() if k != "_csrf" and isinstance(v, str)}
        return _plan_page(request, user, session, now, {**retry, "values": values,
                                                        "errors": {field: getattr(exc, "problem", exc.message)}})
    return _back(request, "/plan")


def _back(request: Request, path: str) -> RedirectResponse:
    return RedirectResponse(request.scope.get("root_path", "") + path, status_code=303)


@router.get("/")
def home(request: Request, user: HubUser = USER):
    if user.role is None:
        service.plan_filter(user)  # raises the "no role" error
    return _back(request, HOME[user.role])


@router.get("/plan")
def my_plan(request: Request, user: HubUser = USER, session: Session = DB, now: dt.datetime = NOW):
    return _plan_page(request, user, session, now)


def after_shipping(session: Session, plan, readings, now: dt.datetime) -> dict:
    """What the plan page shows after shipping: the metric chart and readings, the token, adoption, retrospective."""
    shipped_on = metrics.shipped_on(plan)
    opens = metrics.adoption_opens(plan)
    today = rules.local_date(service.cohort_facts(plan.cohort), now)
    points = [(r.measured_on, r.value) for r in readings]
    s = plan.shipped
    if s is not None and s.after_value is not None and all(d != s.shipped_on for d, _v in points):
        points = sorted(points + [(s.shipped_on, s.after_value)])  # the value reported when it shipped
    return {"readings": readings[-30:][::-1], "reading_count": len(readings),
            "chart": charts.metric_series(points, plan.baseline_value, plan.target_value, shipped_on,
                                          plan.metric_name, plan.unit),
            "token": metrics.token_of(session, plan.id), "adoption_opens": opens,
            "adoption_asked": opens is not None and today >= opens, "retro": lessons.retro_of(session, plan.id),
            "closed": plan.status in CLOSED_STATUSES or shipped_on is not None}


def _plan_page(request: Request, user: HubUser, session: Session, now: dt.datetime,
               retry: dict | None = None) -> Response:
    """The participant's page; ``retry`` (form, key, errors, values): a form shown again with its problems (422)."""
    service.require_role(user, "participant")
    plans = service.my_plans(session, user)
    still_open = {p.cohort_id for p in plans if p.status not in CLOSED_STATUSES}
    open_cohorts = [c for c in service.my_cohorts(session, user) if c.id not in still_open]
    cycles = {c.id: 1 + sum(1 for p in plans if p.cohort_id == c.id) for c in open_cohorts}
    base_url = request.app.state.settings.base_url
    series = metrics.readings_of(session, [p.id for p in plans])
    views = [{"plan": p, "out": service.plan_out(p, now), "history": service.checkins_of(session, p),
              "hook": webhooks.webhook_of(session, p.id), "hook_url": webhooks.hook_url(base_url, p.id),
              "hook_key": request.app.state.webhook_key.key_id,
              "deployments": deployments_of(session, p, limit=20), **after_shipping(session, p, series[p.id], now)}
             for p in reversed(plans)]  # the newest cycle first
    day60 = {c.id: rules.day_date(service.cohort_facts(c), rules.WINDOW_DAYS) for c in open_cohorts}
    return render(request, user, "plan.html", status=422 if retry else 200, views=views, open_cohorts=open_cohorts,
                  day60=day60, cycles=cycles, production=request.app.state.settings.production_environments,
                  retry=retry or {"form": "", "key": None, "errors": {}, "values": {}})


@router.post("/plan")
async def save_plan(request: Request, user: HubUser = USER, session: Session = DB, now: dt.datetime = NOW):
    async def save():
        data = await checked_form(request, user, PlanIn)
        await run_in_threadpool(service.save_plan, session, user, data, None, now)
    form = await request.form()
    key = str(form.get("cohort_id", ""))
    return await saved_or_shown_again(request, user, session, now, {"form": "new", "key": key}, save)


@router.post("/plan/{plan_id}/edit")
async def edit_plan(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                    now: dt.datetime = NOW):
    async def save():
        data = await checked_form(request, user, PlanIn)
        await run_in_threadpool(service.save_plan, session, user, data, plan_id, now)
    return await saved_or_shown_again(request, user, session, now, {"form": "edit", "key": str(plan_id)}, save)


@router.post("/plan/{plan_id}/checkin")
async def check_in(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                   now: dt.datetime = NOW):
    async def save():
        data = await checked_form(request, user, CheckInIn)
        await run_in_threadpool(service.check_in, session, user, plan_id, data, now)
    return await saved_or_shown_again(request, user, session, now, {"form": "checkin", "key": str(plan_id)}, save)


@router.post("/plan/{plan_id}/shipped")
async def shipped(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                  now: dt.datetime = NOW):
    async def save():
        data = await checked_form(request, user, ShippedIn)
        await run_in_threadpool(service.mark_shipped, session, user, plan_id, data, now)
    return await saved_or_shown_again(request, user, session, now, {"form": "shipped", "key": str(plan_id)}, save)


@router.get("/plans/{plan_id}")
def plan_detail(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                now: dt.datetime = NOW):
    plan = service.get_plan(session, user, plan_id)
    extra = after_shipping(session, plan, metrics.readings_of(session, [plan.id])[plan.id], now)
    return render(request, user, "plan_detail.html", plan=plan, out=service.plan_out(plan, now),
                  history=service.checkins_of(session, plan), deployments=deployments_of(session, plan, limit=20),
                  hook=webhooks.webhook_of(session, plan.id), v=extra)


@router.get("/dashboard")
def dashboard(request: Request, cohort: NameFilter = None, team: NameFilter = None, user: HubUser = USER,
              session: Session = DB, now: dt.datetime = NOW):
    """One cohort by default (the latest whose workshop ended), every cohort with its day, people by name; see
    :mod:`.dashboard`."""
    service.require_role(user, "manager", "admin", "instructor")
    cache = request.app.state.facts
    cohorts = service.cohorts_visible(session, user)
    if cohort == board.ALL:
        chosen = None
    elif cohort:
        chosen = next((c for c in cohorts if c.name == cohort), None)
        if chosen is None:
            known = ", ".join(c.name for c in cohorts) or "none yet"
            raise TrackerError(404, "cohort_not_found", f"there is no cohort {cohort!r} on your dashboard "
                                                        f"(cohorts: {known}).")
    else:
        chosen = board.default_cohort(cohorts, now)
    name = chosen.name if chosen else None
    teams = sorted({f.team for f in cache.get(session, user, cohort=name)})
    shown, figs = cache.figures(session, user, now, cohort=name, team=team or None)
    every_cohort = cache.figures(session, user, now, team=team or None)[1] if chosen else figs
    late = set(figs.checkin_overdue)
    people = board.people_rows(shown, board.full_names(session, {f.username for f in shown}), now, late)
    return render(request, user, "dashboard.html", figs=figs, teams=teams, team=team or "", cohort=chosen,
                  cohort_param=name or board.ALL, cohorts=cohorts, all_cohorts=board.ALL,
                  cohort_rows=board.cohort_rows(cohorts, every_cohort, now),
                  day=board.day_of(chosen, now) if chosen else None,
                  people=people[:board.MAX_PEOPLE], people_count=len(people),
                  overdue_count=sum(1 for r in people if r.checkin_overdue),
                  without_plan=board.without_plan(session, user, chosen, team or None) if chosen else [],
                  bars=charts.team_bars(figs), curve=charts.shipped_curve(figs.shipped_by_day, figs.eligible),
                  reminders=board.reminder_summary(session, user), left_out=figs.left_out,
                  left_out_labels=rules.LEFT_OUT,
                  split=service.shipping_split(cache, session, user, now, cohort=name, team=team or None),
                  outcomes=request.app.state.outcomes.figures(session, service.viewer_key(user, name, team), shown,
                                                              now))


@router.get("/cohorts")
def cohorts(request: Request, user: HubUser = USER, session: Session = DB, now: dt.datetime = NOW):
    service.require_role(user, "instructor", "admin")
    rows = []
    for c in service.cohorts_visible(session, user):
        figs = request.app.state.facts.figures(session, user, now, cohort=c.name)[1]
        rows.append({"cohort": c, "figs": figs.overall})
    return render(request, user, "cohorts.html", rows=rows)


@router.get("/cohorts/{cohort_id}")
def cohort(cohort_id: int, request: Request, user: HubUser = USER, session: Session = DB, now: dt.datetime = NOW):
    service.require_role(user, "instructor", "admin")
    visible = {c.id for c in service.cohorts_visible(session, user)}
    c = session.scalar(select(Cohort).where(Cohort.id == cohort_id)) if 0 < cohort_id <= MAX_ID else None
    if c is None or c.id not in visible:
        raise TrackerError(404, "cohort_not_found", f"there is no cohort {cohort_id} that you teach.")
    plans = request.app.state.facts.get(session, user, cohort=c.name)
    notes = service.latest_notes(session, user, c.id)
    use = request.app.state.model_use.snapshot() if request.app.state.model_use else None
    figs = figurebook.figures(plans, now)
    return render(request, user, "cohort.html", cohort=c, plans=plans, notes=notes, use=use,
                  use_total=use.total({p.username for p in plans}) if use else None,
                  figs=figs.overall, overdue={p.id for p in plans if rules.is_overdue(p, now)},
                  days={p.id: rules.days_to_ship(p) for p in plans}, left_out=figs.left_out,
                  left_out_labels=rules.LEFT_OUT)


@router.get("/export.csv")
def export(request: Request, cohort: NameFilter = None, team: NameFilter = None, user: HubUser = USER,
           session: Session = DB, now: dt.datetime = NOW):
    body = plans_csv(request.app.state.facts.get(session, user, cohort=cohort or None, team=team or None), now)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="ship-plans.csv"',
                             "X-Content-Type-Options": "nosniff"})
