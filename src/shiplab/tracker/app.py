"""The tracker web service: :func:`create_app` wires the database, the identity, the pages and the JSON API.

Everything a request needs comes from ``app.state`` (the session factory, the identity, the clock, the CSRF
signer, the templates), so tests build the real app with a fake identity at the edge and a controlled clock::

    app = create_app(settings, clock=lambda: FIXED_NOW, identity=StaticIdentity({...}))

Under the hub, :mod:`shiplab.tracker.__main__` builds it with :class:`~shiplab.tracker.auth.HubOAuthIdentity`
and mounts it at ``JUPYTERHUB_SERVICE_PREFIX``. Routes: ``/login`` and ``/oauth_callback`` from
:func:`shiplab.web.login.login_routes`, pages in :mod:`.pages`, ``/api/…`` in :mod:`.api` (OpenAPI at
``/api/openapi.json``; its HTML reference at ``/api/docs``, drawn by :mod:`.apidocs` with nothing from a CDN),
deployment webhooks and their secrets in :mod:`.webhook_routes`, the metric over time, adoption, retrospectives and
the lessons page in :mod:`.outcome_routes`. What every route asks for (session, person, clock) is in :mod:`.deps`,
the forms' check and the page drawing in :mod:`.forms`: no router imports this module.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import secrets
from pathlib import Path
from typing import Callable

from fastapi import FastAPI, Request

from shiplab.web.pages import service_templates
from shiplab.web.login import login_routes
from shiplab.tracker import api, apidocs, errors, outcome_routes, pages, reminders, webhook_routes
from shiplab.tracker.auth import LOGIN_TEXTS, Csrf, HubOAuthIdentity, Identity
from shiplab.tracker.db import ensure_database, session_factory
from shiplab.tracker.errors import TrackerError
from shiplab.tracker.models import utcnow
from shiplab.tracker.metrics import OutcomeCache
from shiplab.tracker.service import FactsCache
from shiplab.tracker.roster_sync import RosterFollower
from shiplab.tracker.settings import TrackerSettings
from shiplab.tracker.webhooks import WebhookKey

log = logging.getLogger("shiplab.tracker")
TEMPLATES = Path(__file__).parent / "templates"


def hub_identity(settings: TrackerSettings) -> HubOAuthIdentity:
    from jupyterhub.services.auth import HubOAuth

    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    return HubOAuthIdentity(HubOAuth(cache_max_age=60), settings.signing_key(), prefix=prefix)


def create_app(settings: TrackerSettings, *, clock: Callable[[], dt.datetime] = utcnow,
               identity: Identity | None = None, senders: dict | None = None,
               roster: Path | None = None, model_use=None) -> FastAPI:
    """The tracker app on ``settings.database_url`` (created or upgraded first).

    ``identity`` defaults to the hub (OAuth + tokens); ``senders`` (channel name → sender) default to those the
    settings configure; the reminder loop runs every ``settings.reminder_interval_s`` seconds when there are any.
    ``roster`` (the hub's ``roster.json``) is applied before the app is returned and followed while it runs.
    ``model_use`` (a :class:`~shiplab.tracker.modeluse.ModelUse`) defaults to the gateway at
    ``settings.gateway_url``, read with the hub token the hub gave this service; None without a gateway.
    """
    engine = ensure_database(settings.database_url)
    follower = RosterFollower(roster, settings) if roster else None
    if identity is None:
        identity = hub_identity(settings)
    try:
        key = settings.signing_key()
    except Exception:
        key = secrets.token_bytes(32)  # an injected identity without a configured key: per-process key
    if senders is None:
        senders = reminders.senders_from_settings(settings)
    if model_use is None and settings.gateway_url and os.environ.get("JUPYTERHUB_API_TOKEN"):
        from shiplab.tracker.modeluse import ModelUse

        model_use = ModelUse(settings.gateway_url, os.environ["JUPYTERHUB_API_TOKEN"])

    @contextlib.asynccontextmanager
    async def lifespan(_outer: FastAPI):  # may be the hub-prefix app that mounts this one: use our own state
        tasks = []
        if settings.reminder_interval_s > 0 and senders:
            tasks.append(asyncio.create_task(reminders.loop(app.state.sessions, senders, clock,
                                                            settings.reminder_interval_s, settings.base_url)))
        if follower and settings.roster_every_s > 0:
            tasks.append(asyncio.create_task(follower.follow(app.state.sessions, settings.roster_every_s)))
        yield
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        engine.dispose()

    app = FastAPI(title="shiplab tracker", version="1",
                  description="Ship plans, check-ins and figures. Authenticate with `Authorization: token "
                              "<your hub token>`. Errors: `{\"error\": {\"status\", \"code\", \"message\"}}`.",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan,
                  responses={k: {"model": _error_model(), "description": d} for k, d in
                             ((401, "Not logged in"), (403, "Not allowed"), (404, "Not found"),
                              (422, "Invalid input"))})
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.identity = identity
    app.state.clock = clock
    app.state.csrf = Csrf(key)
    app.state.facts = FactsCache(basis=settings.count_shipped)
    app.state.outcomes = OutcomeCache()
    app.state.webhook_key = WebhookKey(settings.webhook_key_path())  # the file is made on first use
    app.state.settings = settings
    app.state.senders = senders
    app.state.model_use = model_use
    if follower:
        follower.sync(app.state.sessions)  # people and cohort are in place before the first request
    app.state.templates = service_templates(TEMPLATES, {
        "pct": lambda x: "–" if x is None else f"{x * 100:.0f}%",
        "days": lambda x: "–" if x is None else f"{x:g}"})  # a median of days: 21, 53, 21.5 — never 53.0
    errors.install(app)

    @app.middleware("http")
    async def _no_framing(request: Request, call_next):
        # attack-21 F7: another origin (a participant's own server) must not frame a plan page to steer clicks
        resp = await call_next(request)
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        return resp

    app.include_router(login_routes(LOGIN_TEXTS, TrackerError))  # /login, /oauth_callback
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(webhook_routes.router)
    app.include_router(outcome_routes.router)  # metric over time, adoption, retrospectives, lessons
    app.include_router(apidocs.router)  # /api/docs, drawn here: no CDN
    return app


def _error_model():
    from shiplab.tracker.schemas import ErrorOut

    return ErrorOut
