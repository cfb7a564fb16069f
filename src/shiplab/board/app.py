"""The board's web service: :func:`create_app` wires the course reader, the hub's users API, the identity and the
clock; every route answers instructors only.

Routes (under the hub's ``/services/progress/``):

``/``                          the board: the grid, who is stuck, per exercise the share passing and the most
                               common failing message; a team filter; the grid refreshes itself every
                               ``progress.refresh`` seconds by fetching ``/grid`` (an HTML fragment), no reload
``/grid``                      that fragment
``/api/board``                 the same as JSON (``?team=``)
``/participants/<name>``       one participant: submissions, scores, failing tests, feedback and formgrader links
``/participants/<name>/feedback/<lab>/<notebook>.html``  the feedback nbgrader released to them
``/export.csv``                the grades (``?team=``)
``/login``, ``/oauth_callback``  the hub login (:func:`shiplab.web.login.login_routes`)

Tests build the real app with a controlled clock and, for in-process checks, a token table at the edge::

    app = create_app(config, clock=lambda: NOW, identity=TokenTable({...}), hub_users=FixedUsers([...]))
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from shiplab import roster
from shiplab.roster import ROLE_GROUPS
from shiplab.web.pages import service_templates
from shiplab.web.login import login_routes
from shiplab.board import actions, errors, model
from shiplab.board.auth import LOGIN_TEXTS, Identity, Viewer, instructor
from shiplab.board.errors import BoardError
from shiplab.board.export import grades_csv
from shiplab.board.sources import CourseReader, CoursePaths, Homes, fetched_labs, members_from

TEMPLATES = Path(__file__).parent / "templates"
UTC = dt.timezone.utc


@dataclass(frozen=True)
class BoardConfig:
    state: Path
    course: str
    rules: model.Rules = model.Rules()
    refresh_s: int = 5
    formgrader_prefix: str = ""  # e.g. /services/workshop/ — links to a submission in the formgrader
    homes: Homes | None = None  # where participants' homes are (which labs they fetched); None: developer layout
    start_parallel: int = 4  # "start everyone": servers started at once (prestart.parallel)

    @classmethod
    def from_settings(cls, settings: dict, state: Path) -> "BoardConfig":
        return cls(state=state, course=settings["course.id"], homes=Homes.from_settings(settings, state),
                   rules=model.Rules(stuck_after=dt.timedelta(minutes=settings["progress.stuck_after"]),
                                     active_within=dt.timedelta(minutes=settings["progress.active_within"])),
                   refresh_s=settings["progress.refresh"], formgrader_prefix=_formgrader_prefix(settings),
                   start_parallel=settings["prestart.parallel"])


def _formgrader_prefix(settings: dict) -> str:
    """The formgrader's path on the board's origin; its own origin under hub.subdomain_host (shiplab.web.origins)."""
    if settings.get("hub.subdomain_host"):
        from shiplab.web.origins import service_url

        return service_url(settings, settings["course.id"])
    return f"/services/{settings['course.id']}/"


class FixedUsers:
    """A fixed list of hub user models (``None``: the hub is down), for in-process tests."""

    def __init__(self, users: list[dict] | None):
        self.list = users

    async def users(self) -> list[dict] | None:
        return self.list


def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC)


def create_app(config: BoardConfig, *, clock: Callable[[], dt.datetime] = utcnow, identity: Identity | None = None,
               hub_users=None, starter=None) -> FastAPI:
    """``starter(names)``: how "start everyone" starts servers (default: the hub's API with the board's token)."""
    if identity is None or hub_users is None:
        import os

        from jupyterhub.services.auth import HubOAuth

        from shiplab.board.auth import HubIdentity, signing_key
        from shiplab.board.hubapi import HubUsers

        if identity is None:
            identity = HubIdentity(HubOAuth(cache_max_age=60), signing_key(os.environ.get("JUPYTERHUB_API_TOKEN", "")),
                                   prefix=os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"))
        hub_users = hub_users or HubUsers.from_env()
    app = FastAPI(title="shiplab progress board", version="1", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    app.state.reader = CourseReader(CoursePaths(config.state, config.course))
    app.state.identity = identity
    app.state.hub_users = hub_users
    app.state.clock = clock
    app.state.start_run = actions.StartRun(starter=starter or actions.hub_starter(config.start_parallel))
    app.state.templates = service_templates(TEMPLATES, {
        "ago": model.ago, "hhmm": lambda t: t.astimezone(UTC).strftime("%H:%M UTC") if t else "—",
        "num": lambda x: "—" if x is None else f"{x:g}"})
    errors.install(app)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        request.state.nonce = secrets.token_urlsafe(16)
        resp = await call_next(request)
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers.setdefault("Content-Security-Policy",
                                f"default-src 'none'; script-src 'nonce-{request.state.nonce}'; "
                                "style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'self'")
        return resp

    app.include_router(login_routes(LOGIN_TEXTS, BoardError))  # /login, /oauth_callback
    app.include_router(router)
    app.include_router(actions.router)
    return app


# ---- what every route needs

async def current_board(request: Request, team: str | None) -> model.Board:
    state = request.app.state
    cfg: BoardConfig = state.config
    users = await state.hub_users.users()

    homes = cfg.homes or Homes("developer", cfg.state)

    def read():
        people = roster.load(cfg.state)
        labs, graded = state.reader.grades()
        names = [lab.name for lab in labs]
        members = members_from(users, people, ROLE_GROUPS["participant"],
                               fetched=lambda u: fetched_labs(homes.of(u), names, cfg.course))
        return members, labs, graded, state.reader.attempts()

    members, labs, graded, attempts = await run_in_threadpool(read)
    team = team or None
    if team is not None and team not in {m.team for m in members}:
        known = ", ".join(sorted({m.team for m in members if m.team})) or "none"
        raise BoardError(404, "unknown_team", f"there is no team {team!r} in this course (teams: {known}).")
    return model.build_board(labs=labs, members=members, attempts=attempts, graded=graded, now=state.clock(),
                             rules=cfg.rules, team=team)


def render(request: Request, template: str, viewer: Viewer, **ctx) -> Response:
    base = request.scope.get("root_path", "")
    return request.app.state.templates.TemplateResponse(
        request, template, {"base": base, "user": viewer, "nonce": request.state.nonce,
                            "labels": model.STATE_LABELS, "zip": zip, "config": request.app.state.config, **ctx})


router = APIRouter()


@router.get("/")
async def board_page(request: Request, team: str | None = None):
    viewer = await instructor(request)
    board = await current_board(request, team)
    return render(request, "board.html", viewer, board=board)


@router.get("/grid")
async def grid_fragment(request: Request, team: str | None = None):
    viewer = await instructor(request)
    board = await current_board(request, team)
    return render(request, "_grid.html", viewer, board=board)


@router.get("/api/board")
async def board_api(request: Request, team: str | None = None):
    await instructor(request)
    return JSONResponse(model.board_json(await current_board(request, team)))


@router.get("/export.csv")
async def export(request: Request, team: str | None = None):
    await instructor(request)
    board = await current_board(request, team)
    name = f"grades-{request.app.state.config.course}{'-' + board.team if board.team else ''}.csv"
    return Response(grades_csv(board), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _row_of(board: model.Board, username: str) -> model.Row:
    row = next((r for r in board.rows if r.member.username == username), None)
    if row is None:
        raise BoardError(404, "unknown_participant", f"there is no participant {username!r} in this course.")
    return row


@router.get("/participants/{username}")
async def participant(request: Request, username: str):
    viewer = await instructor(request)
    board = await current_board(request, None)
    row = _row_of(board, username)
    state = request.app.state
    labs, graded = await run_in_threadpool(state.reader.grades)
    grades = {g.lab: g for g in graded if g.student == username}
    history = sorted((a for a in await run_in_threadpool(state.reader.attempts) if a.student == username),
                     key=lambda a: a.submitted_at, reverse=True)
    paths = state.reader.paths
    feedback = {lab.name: sorted(p.stem for p in paths.feedback_dir(username, lab.name).glob("*.html"))
                for lab in board.labs}
    return render(request, "participant.html", viewer, board=board, row=row, grades=grades, history=history,
                  feedback=feedback)


@router.get("/participants/{username}/feedback/{lab}/{notebook}.html")
async def feedback_file(request: Request, username: str, lab: str, notebook: str):
    await instructor(request)
    board = await current_board(request, None)
    _row_of(board, username)
    if lab not in {lab.name for lab in board.labs}:
        raise BoardError(404, "unknown_lab", f"there is no lab {lab!r} in this course.")
    folder = request.app.state.reader.paths.feedback_dir(username, lab)
    path = folder / f"{notebook}.html"
    if not path.is_file() or path.resolve().parent != folder.resolve() or "/" in notebook:
        raise BoardError(404, "no_feedback", f"no feedback for {username}'s {lab} notebook {notebook!r} yet.")
    # participant output inside: no scripts, no requests, no framing of our pages
    return FileResponse(path, media_type="text/html; charset=utf-8", headers={
        "Content-Security-Policy": "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"})


@router.get("/healthz", include_in_schema=False)
async def healthz():
    return {"ok": True}

