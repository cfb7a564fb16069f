"""Routes of deployment evidence: the webhook deploying systems call, and the owner's secret (API and page).

- ``POST /api/plans/{id}/deployments/hook`` — for GitHub, GitLab or ``curl``; no hub login, the plan's secret
  proves the caller (:mod:`.webhooks`), the body is read by :mod:`.deployments`;
- ``GET /api/plans/{id}/deployments`` and ``GET /api/plans/{id}/webhook`` — for anyone who may see the plan
  (never the secret);
- ``POST /api/plans/{id}/webhook`` and ``…/webhook/rotate`` — the owner's new secret, shown in that answer only;
  the plan page's buttons (``POST /plan/{id}/webhook``, ``…/rotate``) render it on a page that is not cached.
"""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from shiplab.tracker import deployments, service, webhooks
from shiplab.tracker.deps import DB, NOW, USER, WRITER
from shiplab.tracker.auth import HubUser
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.forms import render
from shiplab.tracker.models import PlanWebhook
from shiplab.tracker.schemas import DeploymentOut, WebhookOut, WebhookSecretOut

log = logging.getLogger("shiplab.tracker.webhooks")
router = APIRouter(tags=["deployments"])
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}

PLAIN_SHAPE = {
    "type": "object", "required": ["environment", "status", "finished_at"], "additionalProperties": False,
    "properties": {"service": {"type": "string", "maxLength": 200, "example": "claims-intake"},
                   "environment": {"type": "string", "maxLength": 80, "example": "production"},
                   "status": {"type": "string", "example": "success"},
                   "finished_at": {"type": "string", "format": "date-time", "example": "2026-04-20T14:03:00Z"},
                   "url": {"type": "string", "format": "uri", "example": "https://ci.example/claims/pipelines/812"},
                   "id": {"type": "string", "maxLength": 200, "description": "Delivery id: sent twice, refused."}}}
HOOK_DOC = (
    "Called by the deploying system, not with a hub token. Prove the plan's secret with `X-Hub-Signature-256: "
    "sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>` (GitHub signs this way) or `X-Gitlab-Token: "
    "<secret>` (GitLab). Bodies: GitHub `deployment_status` events (`X-GitHub-Event: deployment_status`), GitLab "
    "deployment events (`object_kind: deployment`), or the plain shape below. A success in a production environment "
    "that finished after the workshop began marks the plan *shipped — verified* (the first one only). Refused: a "
    "body over 256 KiB (413), a missing or wrong signature or token (401; a plan number without a webhook is "
    "answered the same way, so the URL does not tell which plans exist), a replay — "
    "the same `X-GitHub-Delivery`, `X-Gitlab-Event-UUID` or `id`, or the same body (409) — and a finish before the "
    "workshop or more than five minutes in the future (422).")


def _client(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for", "").split(",")[0].strip()
    return repr((forwarded or (request.client.host if request.client else "-"))[:64])


@router.post("/api/plans/{plan_id}/deployments/hook", status_code=201, summary="Receive a deployment (webhook)",
             description=HOOK_DOC, openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": PLAIN_SHAPE}}}})
async def deployment_hook(plan_id: int, request: Request) -> JSONResponse:
    try:
        body = await webhooks.read_body(request)
        status, answer = await run_in_threadpool(_accept, request, plan_id, body)
    except TrackerError as exc:
        webhooks.log_refusal(plan_id, request.headers, _client(request), exc)
        raise
    d = answer.get("deployment") or {}
    log.info("deployment webhook accepted: plan=%s status=%s source=%s environment=%r deploy_status=%r "
             "verified_now=%s from=%s", plan_id, status, d.get("source", "github-ping"), d.get("environment"),
             d.get("status"), answer.get("verified_now", False), _client(request))
    return JSONResponse(answer, status_code=status)


def _accept(request: Request, plan_id: int, body: bytes) -> tuple[int, dict]:
    state = request.app.state
    with state.sessions() as session:
        return webhooks.accept(session, plan_id, request.headers, body, state.clock(), state.webhook_key,
                               state.settings.production_environments)


@router.get("/api/plans/{plan_id}/deployments", summary="The deployments a plan's webhook received, newest first")
def list_deployments(plan_id: int, user: HubUser = USER, session: Session = DB) -> list[DeploymentOut]:
    plan = service.get_plan(session, user, plan_id)
    return [service.deployment_out(d) for d in deployments.deployments_of(session, plan, limit=500)]


def webhook_out(request: Request, plan_id: int, hook: PlanWebhook | None) -> dict:
    settings = request.app.state.settings
    return {"plan_id": plan_id, "configured": hook is not None, "url": webhooks.hook_url(settings.base_url, plan_id),
            "created_at": hook.created_at if hook else None, "rotated_at": hook.rotated_at if hook else None,
            "production_environments": list(settings.production_environments)}


@router.get("/api/plans/{plan_id}/webhook", summary="A plan's deployment webhook: its URL, never its secret")
def get_webhook(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB) -> WebhookOut:
    plan = service.get_plan(session, user, plan_id)
    return WebhookOut(**webhook_out(request, plan.id, webhooks.webhook_of(session, plan.id)))


def _new_secret(request: Request, session: Session, user: HubUser, plan_id: int, now: dt.datetime,
                rotate: bool) -> tuple[object, WebhookSecretOut]:
    plan, hook, secret = webhooks.create_secret(session, user, plan_id, now, request.app.state.webhook_key, rotate)
    return plan, WebhookSecretOut(**webhook_out(request, plan.id, hook), secret=secret)


@router.post("/api/plans/{plan_id}/webhook", status_code=201, summary="Create your plan's webhook secret (shown once)")
def create_webhook(plan_id: int, request: Request, user: HubUser = WRITER, session: Session = DB,
                   now: dt.datetime = NOW) -> JSONResponse:
    out = _new_secret(request, session, user, plan_id, now, rotate=False)[1]
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers=NO_STORE)


@router.post("/api/plans/{plan_id}/webhook/rotate", summary="Replace your plan's webhook secret (the old one stops)")
def rotate_webhook(plan_id: int, request: Request, user: HubUser = WRITER, session: Session = DB,
                   now: dt.datetime = NOW) -> JSONResponse:
    out = _new_secret(request, session, user, plan_id, now, rotate=True)[1]
    return JSONResponse(out.model_dump(mode="json"), headers=NO_STORE)


# ---- the plan page's buttons

async def _page(request: Request, user: HubUser, session: Session, now: dt.datetime, plan_id: int,
                rotate: bool) -> Response:
    form = await request.form()
    request.app.state.csrf.check(request, user, form.get("_csrf"))
    plan, out = await run_in_threadpool(_new_secret, request, session, user, plan_id, now, rotate)
    resp = render(request, user, "webhook_secret.html", plan=plan, hook=out, secret=out.secret, rotated=rotate)
    resp.headers.update(NO_STORE)
    return resp


@router.post("/plan/{plan_id}/webhook", include_in_schema=False)
async def create_webhook_page(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                              now: dt.datetime = NOW):
    return await _page(request, user, session, now, plan_id, rotate=False)


@router.post("/plan/{plan_id}/webhook/rotate", include_in_schema=False)
async def rotate_webhook_page(plan_id: int, request: Request, user: HubUser = USER, session: Session = DB,
                              now: dt.datetime = NOW):
    return await _page(request, user, session, now, plan_id, rotate=True)
