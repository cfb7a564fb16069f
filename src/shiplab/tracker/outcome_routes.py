"""Routes of what happens after shipping: the metric over time, its plan token, adoption, retrospectives, lessons.

API (JSON; errors in the one shape):

- ``POST /api/plans/{id}/metric`` — a reading, from the owner (hub token, or the page's session with its CSRF
  token) or from the production service with the plan's token (``Authorization: Bearer shm_…``);
  ``GET /api/plans/{id}/metric`` — the readings, for anyone who may see the plan;
- ``POST /api/plans/{id}/metric-token`` and ``…/metric-token/rotate`` — the owner's token, shown in that answer only;
  ``GET /api/plans/{id}/metric-token`` — whether there is one (never the token);
- ``POST /api/plans/{id}/adoption`` — the owner's answer, from day 14 after shipping;
- ``POST /api/plans/{id}/retrospective`` — the owner's retrospective of a shipped or killed plan;
- ``GET /api/lessons`` — the organisation's lessons (:mod:`.lessons`), for every tracker role.

Pages: the same writes as forms on the plan page (``POST /plan/{id}/metric``, ``…/adoption``, ``…/retro``,
``…/metric-token``, ``…/metric-token/rotate``), ``/lessons`` and ``/lessons.csv``.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shiplab.web.login import bearer_token
from shiplab.tracker import lessons as lessons_mod
from shiplab.tracker import metrics, service
from shiplab.tracker.deps import DB, NOW, USER, WRITER, current_user
from shiplab.tracker.auth import HubUser
from shiplab.tracker.forms import FormProblem, checked_form, in_words, render
from shiplab.tracker.models import BLOCKERS
from shiplab.tracker.pages import saved_or_shown_again
from shiplab.tracker.schemas import (AdoptionIn, AdoptionOut, LessonOut, MetricIn, MetricOut, NameFilter, RetroIn,
                                     TokenOut, TokenSecretOut)

router = APIRouter(tags=["after shipping"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
METRIC_DOC = (
    "A value of the plan's metric on a local date (default today in the cohort's time zone; from the workshop's "
    "first day to today). Sent by the plan's owner with their hub token, or by the production service with the "
    "plan's metric token: `Authorization: Bearer shm_…` (made on the plan page or with `POST …/metric-token`; valid "
    "for this plan only, for this route only). Refused: a token that is not this plan's (401), a value that is not a "
    "finite number within ±1e12 or a date out of range (422), more than 5,000 readings (409).")


def reading_out(r) -> MetricOut:
    return MetricOut(id=r.id, measured_on=r.measured_on, value=r.value, source=r.source, note=r.note)


def token_out(plan_id: int, row) -> dict:
    return {"plan_id": plan_id, "configured": row is not None, "created_at": row.created_at if row else None,
            "rotated_at": row.rotated_at if row else None, "last_used_at": row.last_used_at if row else None}


@router.post("/api/plans/{plan_id}/metric", status_code=201, summary="Post a metric value (owner or plan token)",
             description=METRIC_DOC)
async def post_metric(plan_id: int, data: MetricIn, request: Request, session: Session = DB,
                      now: dt.datetime = NOW) -> MetricOut:
    token = bearer_token(request)
    if metrics.is_plan_token(token):
        plan = await run_in_threadpool(metrics.plan_for_token, session, plan_id, token)
        source = "service"
    else:
        user = await current_user(request)
        request.app.state.csrf.check(request, user, None)
        plan = service.owned_plan(session, user, plan_id)
        source = "participant"
    row = await run_in_threadpool(metrics.add_reading, session, plan, data, source, now)
    return reading_out(row)


@router.get("/api/plans/{plan_id}/metric", summary="A plan's metric values, oldest first")
def list_metric(plan_id: int, user: HubUser = USER, session: Session = DB) -> list[MetricOut]:
    plan = service.get_plan(session, user, plan_id)
    return [reading_out(r) for r in metrics.readings_of(session, [plan.id])[plan.id]]


@router.get("/api/plans/{plan_id}/metric-token", summary="Whether a plan has a metric token (never the token)")
def get_token(plan_id: int, user: HubUser = USER, session: Session = DB) -> TokenOut:
    plan = service.get_plan(session, user, plan_id)
    return TokenOut(**token_out(plan.id, metrics.token_of(session, plan.id)))


def _new_token(session, user, plan_id, now, rotate):
    plan, row, secret = metrics.create_token(session, user, plan_id, now, rotate)
    return plan, TokenSecretOut(**token_out(plan.id, row), token=secret)


@router.post("/api/plans/{plan_id}/metric-token", status_code=201,
             summary="Create your plan's metric token for the production service (shown once)")
def create_token(plan_id: int, user: HubUser = WRITER, session: Session = DB,
                 now: dt.datetime = NOW) -> JSONResponse:
    out = _new_token(session, user, plan_id, now, rotate=False)[1]
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers=NO_STORE)


@router.post("/api/plans/{plan_id}/metric-token/rotate", summary="Replace your plan's metric token (the old one stops)")
def rotate_token(plan_id: int, user: HubUser = WRITER, session: Session = DB, now: dt.datetime = NOW) -> JSONResponse:
    out = _new_token(session, user, plan_id, now, rotate=True)[1]
    return JSONResponse(out.model_dump(mode="json"), headers=NO_STORE)


@router.post("/api/plans/{plan_id}/adoption",
             summary="Fourteen days after shipping: still used, or back to the old way?")
def post_adoption(plan_id: int, data: AdoptionIn, user: HubUser = WRITER, session: Session = DB,
                  now: dt.datetime = NOW) -> AdoptionOut:
    a = metrics.answer_adoption(session, user, plan_id, data, now)
    return AdoptionOut(outcome=a.outcome, note=a.note, evidence_value=a.evidence_value, answered_at=a.answered_at)


@router.post("/api/plans/{plan_id}/retrospective", summary="Write your retrospective of a shipped or killed plan")
def post_retro(plan_id: int, data: RetroIn, user: HubUser = WRITER, session: Session = DB,
               now: dt.datetime = NOW) -> LessonOut:
    row = lessons_mod.save_retro(session, user, plan_id, data, now)
    return next(x for x in lessons_mod.lessons(session, user, limit=lessons_mod.MAX_LESSONS) if x.id == row.id)


@router.get("/api/lessons", summary="The organisation's lessons: every shipped or killed plan's retrospective",
            description="Everyone with a tracker role may read them. `q` searches the use case, backlog item, metric, "
                        "cohort and texts (never names); an anonymous author of another team is shown as null "
                        "(author, team and plan_id).")
def list_lessons(q: NameFilter = None, friction: NameFilter = None, outcome: NameFilter = None,
                 user: HubUser = USER, session: Session = DB) -> list[LessonOut]:
    return lessons_mod.lessons(session, user, q=q or None, friction=friction or None, outcome=outcome or None)


# ---- pages


@router.get("/lessons", include_in_schema=False)
def lessons_page(request: Request, q: NameFilter = None, friction: NameFilter = None, outcome: NameFilter = None,
                 user: HubUser = USER, session: Session = DB):
    items = lessons_mod.lessons(session, user, q=q or None, friction=friction or None, outcome=outcome or None)
    return render(request, user, "lessons.html", lessons=items, q=q or "", friction=friction or "",
                  outcome=outcome or "")


@router.get("/lessons.csv", include_in_schema=False)
def lessons_export(q: NameFilter = None, friction: NameFilter = None, outcome: NameFilter = None,
                   user: HubUser = USER, session: Session = DB):
    items = lessons_mod.lessons(session, user, q=q or None, friction=friction or None, outcome=outcome or None)
    return Response(lessons_mod.lessons_csv(items), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="lessons.csv"',
                             "X-Content-Type-Options": "nosniff"})


def _form_key(plan_id: int, form: str) -> dict:
    return {"form": form, "key": str(plan_id)}


@router.post("/plan/{plan_id}/metric", include_in_schema=False)
async def metric_form(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                      now: dt.datetime = NOW):
    async def save():
        data = await checked_form(request, user, MetricIn)
        plan = service.owned_plan(session, user, plan_id)
        await run_in_threadpool(metrics.add_reading, session, plan, data, "participant", now)
    return await saved_or_shown_again(request, user, session, now, _form_key(plan_id, "metric"), save)


@router.post("/plan/{plan_id}/adoption", include_in_schema=False)
async def adoption_form(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                        now: dt.datetime = NOW):
    async def save():
        data = await checked_form(request, user, AdoptionIn)
        await run_in_threadpool(metrics.answer_adoption, session, user, plan_id, data, now)
    return await saved_or_shown_again(request, user, session, now, _form_key(plan_id, "adoption"), save)


@router.post("/plan/{plan_id}/retro", include_in_schema=False)
async def retro_form(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                     now: dt.datetime = NOW):
    async def save():
        form = await request.form()
        request.app.state.csrf.check(request, user, form.get("_csrf"))
        values = {k: v for k, v in form.items() if k not in ("_csrf", "frictions") and isinstance(v, str)}
        frictions = [v for v in form.getlist("frictions") if isinstance(v, str)]
        data = {k: v for k, v in values.items() if v.strip() and k != "anonymous"}
        try:
            retro = RetroIn(**data, frictions=frictions, anonymous=form.get("anonymous") == "on")
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for e in exc.errors()[:8]:
                field = str(e["loc"][0]) if e["loc"] else "form"
                errors.setdefault(field if field in RetroIn.model_fields else "form", in_words(str(e["msg"])))
            raise FormProblem(errors, {**values, "frictions": ",".join(frictions)}) from None
        await run_in_threadpool(lessons_mod.save_retro, session, user, plan_id, retro, now)
    return await saved_or_shown_again(request, user, session, now, _form_key(plan_id, "retro"), save)


async def _token_page(request: Request, user: HubUser, session: Session, now: dt.datetime, plan_id: int,
                      rotate: bool) -> Response:
    form = await request.form()
    request.app.state.csrf.check(request, user, form.get("_csrf"))
    plan, out = await run_in_threadpool(_new_token, session, user, plan_id, now, rotate)
    base_url = request.app.state.settings.base_url.rstrip("/")
    resp = render(request, user, "metric_token.html", plan=plan, token=out.token, rotated=rotate,
                  post_url=f"{base_url}/api/plans/{plan.id}/metric" if base_url else f"/api/plans/{plan.id}/metric")
    resp.headers.update(NO_STORE)
    return resp


@router.post("/plan/{plan_id}/metric-token", include_in_schema=False)
async def token_create_page(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                            now: dt.datetime = NOW):
    return await _token_page(request, user, session, now, plan_id, rotate=False)


@router.post("/plan/{plan_id}/metric-token/rotate", include_in_schema=False)
async def token_rotate_page(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                            now: dt.datetime = NOW):
    return await _token_page(request, user, session, now, plan_id, rotate=True)


FRICTIONS = BLOCKERS  # the retrospective's checkboxes use the blockers' labels
