"""The instructors' view of everyone's gateway usage: JSON for scripts (and the tracker), one HTML page for people.

``GET /instructor/usage.json`` — :meth:`shiplab.gateway.usage.UsageLog.report` (the shape is documented there):
every participant, per provider, requests and tokens today and in total, refusals by rule.
``GET /instructor/usage`` — the same as a page. Both are for members of the course's instructors group
(:data:`shiplab.hub.roster.ROLE_GROUPS`) only; everyone else gets 403, and a request without identity gets 401
(JSON) or is sent to the hub's login (the page). The JSON is also for the hub services named in ``readers`` — the
shipping tracker, which shows instructors each participant's model use next to their ship plan, calling with its
own hub token (the hub gives it ``access:services!service=gateway`` and nothing else; :func:`shiplab.hub.roles.
service_roles`). Other services, even with access to the gateway, get 403.

Who is asking comes from the hub through a :class:`Viewers` object: in production
:class:`shiplab.gateway.hubauth.HubViewers` (a hub token in ``Authorization``, or a browser session made by OAuth
with the hub at ``/login`` → ``/oauth_callback``); in-process tests pass a table of tokens.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Protocol

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from shiplab.hub.roster import ROLE_GROUPS

INSTRUCTORS = ROLE_GROUPS["instructor"]


READERS = ("tracker",)


@dataclass(frozen=True)
class Viewer:
    name: str
    groups: frozenset[str]
    kind: str = "user"  # or "service": a hub service calling with its own token


class Viewers(Protocol):
    async def viewer(self, request: Request) -> Viewer | None:
        """Who is asking; None for a browser without a session. Raises GatewayError for a bad token."""

    def login(self, request: Request, next_url: str) -> Response:
        """Send a browser to log in with the hub, coming back to ``next_url``."""

    async def callback(self, request: Request) -> Response:
        """Finish the browser's login (the OAuth callback)."""


def add_instructor_view(app: FastAPI, usage, budget, viewers: Viewers, group: str = INSTRUCTORS,
                        readers: tuple[str, ...] = READERS) -> None:
    from shiplab.gateway.app import GatewayError

    def forbidden(who: Viewer, request: Request) -> GatewayError:
        if who.kind == "service":
            return GatewayError(403, "not_a_reader", f"the service {who.name!r} may not read the usage log (only "
                                                     f"{', '.join(readers) or 'none'}).")
        return GatewayError(403, "not_an_instructor", f"{who.name} is not in the {group!r} group: only instructors "
                                                      "see everyone's usage. Your own usage is at "
                                                      f"{_here(request, 'usage')}.")

    def may_read(who: Viewer) -> bool:
        return who.name in readers if who.kind == "service" else group in who.groups

    @app.get("/instructor/usage.json")
    async def usage_json(request: Request):
        who = await viewers.viewer(request)
        if who is None:
            raise GatewayError(401, "no_token", "send your hub token (Authorization: Bearer <token>) or open "
                                                "/instructor/usage in a browser to log in.")
        if not may_read(who):
            raise forbidden(who, request)
        return JSONResponse(usage.report(budget))

    @app.get("/instructor/usage", response_class=HTMLResponse)
    async def usage_page(request: Request):
        who = await viewers.viewer(request)
        if who is None:
            return viewers.login(request, _here(request))
        if who.kind != "user" or group not in who.groups:  # the page is for people
            err = forbidden(who, request)
            own = html.escape(_here(request, "usage"))
            return HTMLResponse(_page("Not for you", f"<p>{html.escape(err.message)}</p><p><a href=\"{own}\">Your "
                                      f"own usage</a> · <a href=\"{html.escape(_here(request, ''))}\">the gateway "
                                      "and its policy</a></p>"), status_code=403)
        return HTMLResponse(render(usage.report(budget), who.name))

    @app.get("/login")
    async def login(request: Request):
        return viewers.login(request, request.query_params.get("next") or _here(request, "instructor/usage"))

    @app.get("/oauth_callback")
    async def oauth_callback(request: Request):
        return await viewers.callback(request)


def _here(request: Request, tail: str | None = None) -> str:
    """This request's path as the browser sees it (with the service prefix the app is mounted under)."""
    root = request.scope.get("root_path", "").rstrip("/")
    if tail is not None:
        return f"{root}/{tail}"
    return root + request.url.path[len(root):] if request.url.path.startswith(root) else request.url.path


def _counts(c: dict) -> str:
    return f"<td>{c['requests']:,}</td><td>{c['tokens']:,}</td><td>{c['refused']:,}</td>"


def render(report: dict, viewer: str) -> str:
    esc = html.escape
    head = ("<tr><th rowspan=2>{}</th><th colspan=3>today</th><th colspan=3>total</th></tr>"
            "<tr>" + "<th>requests</th><th>tokens</th><th>refused</th>" * 2 + "</tr>")
    rows = []
    for p in report["participants"]:
        rows.append(f"<tr class=person><th>{esc(p['user'])}</th>{_counts(p['today'])}{_counts(p['total'])}</tr>")
        rows += [f"<tr><td class=sub>{esc(v['provider'])}</td>{_counts(v['today'])}{_counts(v['total'])}</tr>"
                 for v in p["providers"]]
    providers = [f"<tr><th>{esc(v['provider'])}</th>{_counts(v['today'])}{_counts(v['total'])}</tr>"
                 for v in report["providers"]]
    refusals = [f"<tr><td><code>{esc(r['rule'])}</code></td><td>{r['today']:,}</td><td>{r['total']:,}</td></tr>"
                for r in report["refusals"]]
    people_refusals = [f"<tr><td>{esc(p['user'])}</td><td><code>{esc(r['rule'])}</code></td><td>{r['today']:,}"
                       f"</td><td>{r['total']:,}</td></tr>" for p in report["participants"] for r in p["refusals"]]
    budget = report.get("budget")
    body = [f"<p>Day <b>{esc(report['day'])}</b> (UTC) · generated {esc(report['generated_at'])} · signed in as "
            f"{esc(viewer)}" + (f" · budget per participant: {budget['requests_per_day']:,} requests, "
                                f"{budget['tokens_per_day']:,} chat tokens and "
                                f"{budget.get('embedding_tokens_per_day', 0):,} embedding tokens a day"
                                if budget else "") +
            " · <a href=\"usage.json\">JSON</a></p>"]
    if not report["participants"]:
        body.append("<p>Nobody has used the gateway yet.</p>")
    else:
        body.append("<h2>Participants</h2><table>" + head.format("participant / provider") + "".join(rows)
                    + "</table>")
        body.append("<h2>Providers</h2><table>" + head.format("provider") + "".join(providers) + "</table>")
        body.append("<h2>Refusals by rule</h2>" + (
            "<table><tr><th>rule</th><th>today</th><th>total</th></tr>" + "".join(refusals) + "</table>"
            "<table><tr><th>participant</th><th>rule</th><th>today</th><th>total</th></tr>"
            + "".join(people_refusals) + "</table>" if refusals else "<p>No refusals.</p>"))
    return _page("Model gateway usage", "".join(body))


def _page(title: str, body: str) -> str:
    return ("<!doctype html><html lang=en><head><meta charset=utf-8><title>" + html.escape(title) + "</title>"
            "<style>body{font:15px system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;"
            "margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}th:first-child,"
            "td:first-child{text-align:left}tr.person{background:#f3f3f3}td.sub{padding-left:1.5em}</style>"
            "</head><body><h1>" + html.escape(title) + "</h1>" + body + "</body></html>")
