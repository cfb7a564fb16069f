"""The gateway's pages for people: what it is (its root, where Hub → Services → gateway leads), and one's own usage.

``GET /`` — what the gateway is and how a notebook uses it, the models it serves, the caller's usage today against
the daily budget, how busy the local model is, and the governance policy it enforces (who may get which data,
which use cases need a human review, who approves exceptions).
``GET /usage`` — the caller's own usage: JSON for a hub token (``Authorization``, as before), a page for a browser.

A browser without a gateway session is sent through the hub's login (OAuth, :class:`shiplab.gateway.hubauth.
HubViewers`) and comes back to the page it asked for; a JSON client without a token gets 401. Without a
``viewers`` object (in-process gateways, tests) the root page still says what the gateway is and what its policy
is, and names no one's usage. The pages are Jinja templates (``templates/``) with autoescape on: nothing a
person or a policy file wrote reaches a page unescaped.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates

from shiplab.gateway.errors import GatewayError
from shiplab.gateway.instructors import INSTRUCTORS, here
from shiplab.web.pages import service_templates
from shiplab.web.login import bearer_token

TEMPLATES = Path(__file__).parent / "templates"


def templates() -> Jinja2Templates:
    """The gateway's templates, on the page every service shares."""
    return service_templates(TEMPLATES, {"num": lambda count: f"{count:,}",
                                         "n": lambda count, noun: f"{count:,} {noun}{'' if count == 1 else 's'}"})


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _blank() -> dict:
    return {"requests": 0, "tokens": 0, "refused": 0}


def own_report(usage, budget, user: str) -> dict:
    """``user``'s entry of :meth:`shiplab.gateway.usage.UsageLog.report` (zeros when they have not called yet)."""
    report = usage.report(budget)
    for person in report["participants"]:
        if person["user"] == user:
            return {**person, "day": report["day"]}
    return {"user": user, "today": _blank(), "total": _blank(), "providers": [], "refusals": [],
            "day": report["day"]}


router = APIRouter()


async def person(request: Request):
    """(name, groups) of the caller, None for a browser without a session; a bad token raises."""
    gw = request.app.state.gateway
    if gw.viewers is None:
        return (gw.identify(request), frozenset()) if bearer_token(request) else None
    who = await gw.viewers.viewer(request)
    if who is None:
        return None
    if who.kind != "user":
        raise GatewayError(403, "not_a_person", f"the service {who.name!r} has no usage page; its calls are "
                                                "counted for the participant they are made for.")
    return who.name, who.groups


def _page(request: Request, name: str, **context):
    return request.app.state.templates.TemplateResponse(
        request, name, {"base": here(request, "").rstrip("/"), **context})


@router.get("/")
async def home(request: Request):
    gw = request.app.state.gateway
    who = await person(request)
    if who is None and gw.viewers is not None:
        return gw.viewers.login(request, here(request))
    return _page(request, "home.html", backends=gw.backends, queue=gw.queue.snapshot(), policy=gw.policy,
                 budget=gw.budget, mine=own_report(gw.usage, gw.budget, who[0]) if who else None,
                 instructor=bool(who) and INSTRUCTORS in who[1])


@router.get("/usage")
async def own_usage(request: Request):
    """The caller's own usage today (instructors see everyone's at /instructor/usage)."""
    gw = request.app.state.gateway
    if bearer_token(request) and not wants_html(request):
        user = gw.identify(request)  # scripts: the JSON it always answered
        return {"user": user, "rows": [r for r in gw.usage.summary() if r["user"] == user]}
    who = await person(request)
    if who is None:
        if gw.viewers is not None and wants_html(request):
            return gw.viewers.login(request, here(request))
        raise GatewayError(401, "no_token", "send your hub token (Authorization: Bearer <token>), or open this "
                                            "page in a browser to log in through the hub.")
    if not wants_html(request):
        return JSONResponse({"user": who[0], "rows": [r for r in gw.usage.summary() if r["user"] == who[0]]})
    return _page(request, "usage.html", mine=own_report(gw.usage, gw.budget, who[0]), budget=gw.budget,
                 instructor=INSTRUCTORS in who[1])
