"""The gateway's pages for people: what it is (its root, where Hub → Services → gateway leads), and one's own usage.

``GET /`` — what the gateway is and how a notebook uses it, the models it serves, the caller's usage today against
the daily budget, how busy the local model is, and the governance policy it enforces (who may get which data,
which use cases need a human review, who approves exceptions).
``GET /usage`` — the caller's own usage: JSON for a hub token (``Authorization``, as before), a page for a browser.

A browser without a gateway session is sent through the hub's login (OAuth, :class:`shiplab.gateway.hubauth.
HubViewers`) and comes back to the page it asked for; a JSON client without a token gets 401. Without a
``viewers`` object (in-process gateways, tests) the root page still says what the gateway is and what its policy
is, and names no one's usage.
"""

from __future__ import annotations

import html
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from shiplab.gateway.instructors import INSTRUCTORS, _counts, _here, _page

esc = html.escape


def wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


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


def add_person_pages(app: FastAPI, *, usage, budget, policy, backends, queue, identify: Callable[[Request], str],
                     viewers: Any = None) -> None:
    from shiplab.gateway.app import GatewayError
    from shiplab.hub.webservice import bearer_token

    async def person(request: Request):
        """(name, groups) of the caller, None for a browser without a session; a bad token raises."""
        if viewers is None:
            return (identify(request), frozenset()) if bearer_token(request) else None
        who = await viewers.viewer(request)
        if who is None:
            return None
        if who.kind != "user":
            raise GatewayError(403, "not_a_person", f"the service {who.name!r} has no usage page; its calls are "
                                                    "counted for the participant they are made for.")
        return who.name, who.groups

    @app.get("/", response_class=HTMLResponse)
    async def home(request: Request):
        who = await person(request)
        if who is None and viewers is not None:
            return viewers.login(request, _here(request))
        return HTMLResponse(render_home(request, who, usage=usage, budget=budget, policy=policy, backends=backends,
                                        queue=queue))

    @app.get("/usage")
    async def own_usage(request: Request):
        """The caller's own usage today (instructors see everyone's at /instructor/usage)."""
        if bearer_token(request) and not wants_html(request):
            user = identify(request)  # scripts: the JSON it always answered
            return {"user": user, "rows": [r for r in usage.summary() if r["user"] == user]}
        who = await person(request)
        if who is None:
            if viewers is not None and wants_html(request):
                return viewers.login(request, _here(request))
            raise GatewayError(401, "no_token", "send your hub token (Authorization: Bearer <token>), or open this "
                                                "page in a browser to log in through the hub.")
        if not wants_html(request):
            return JSONResponse({"user": who[0], "rows": [r for r in usage.summary() if r["user"] == who[0]]})
        return HTMLResponse(render_usage(request, own_report(usage, budget, who[0]), budget, who[1]))


def _budget_line(budget, today: dict | None) -> str:
    if budget is None:
        return ""
    used = f" — used today: {today['requests']:,} requests, {today['tokens']:,} tokens" if today else ""
    return (f"<p>Your daily budget: <b>{budget.requests_per_day:,}</b> requests, <b>{budget.tokens_per_day:,}</b> "
            f"chat tokens and <b>{budget.embedding_tokens_per_day:,}</b> embedding tokens{used}. It resets at "
            "midnight UTC; an instructor can raise it.</p>")


def render_home(request: Request, who, *, usage, budget, policy, backends, queue) -> str:
    base = _here(request, "").rstrip("/")
    models = []
    if backends.llm is not None:
        models.append(f"<li>chat: <code>{esc(backends.llm.model_name)}</code> (local, on this hub)</li>")
    elif backends.llm_error:
        models.append(f"<li>chat: none loaded — {esc(backends.llm_error)}</li>")
    if backends.embedder is not None:
        models.append(f"<li>embeddings: <code>{esc(backends.embedder.model_name)}</code> (local)</li>")
    models += [f"<li>chat: <code>{esc(name)}/{esc(p.model)}</code> (external provider {esc(name)})</li>"
               for name, p in backends.external.items()]
    q = queue.snapshot()
    busy = (f"<p>Right now the local chat model has <b>{q['waiting']}</b> request{'s' if q['waiting'] != 1 else ''} "
            f"waiting{' and one running' if q['running'] else ''}"
            + (f"; a request takes about {q['mean_job_seconds']:.1f} s" if q["served"] else "")
            + ". When the wait would be longer than your notebook waits, the gateway "
            "says so at once (how many are ahead, how long it would take) instead of letting the cell time out; "
            "a request whose notebook gave up is dropped.</p>")
    parts = ["<p>The hub's <b>model gateway</b> serves language models to the labs' notebooks, once for everyone: "
             "an OpenAI-compatible API (<code>" + esc(base) + "/v1/chat/completions</code>, <code>/v1/embeddings"
             "</code>, <code>/v1/models</code>) behind your hub login. In a notebook, "
             "<code>from shiplab.rag.llm import chat_model</code> gives you the chat model — no key in your "
             "notebook. Every request is checked against the governance policy below and your daily budget.</p>",
             "<h2>Models</h2><ul>" + ("".join(models) or "<li>none loaded</li>") + "</ul>", busy]
    if who is not None:
        mine = own_report(usage, budget, who[0])
        parts.append(f"<h2>Your usage today</h2><p>Signed in as <b>{esc(who[0])}</b>: "
                     f"{_n(mine['today']['requests'], 'request')}, {_n(mine['today']['tokens'], 'token')}, "
                     f"{mine['today']['refused']:,} refused today · <a href=\"{esc(base)}/usage\">your usage in "
                     "detail</a>" + (f" · <a href=\"{esc(base)}/instructor/usage\">everyone's usage</a>"
                                      if INSTRUCTORS in who[1] else "") + "</p>")
        parts.append(_budget_line(budget, None))
    else:
        parts.append("<p>Log in through the hub to see your usage here.</p>")
    parts.append(render_policy(policy))
    parts.append(f"<p><a href=\"{esc(base)}/health\">health (JSON)</a></p>")
    return _page("Model gateway", "<style>table.policy td,table.policy th{text-align:left}</style>" + "".join(parts))


def render_policy(policy) -> str:
    def above(p) -> str:
        return "—" if p.max_class == "restricted" else "redacted first" if p.on_exceed == "redact" else "refused"

    rows = "".join(f"<tr><th><code>{esc(p.name)}</code></th><td>{esc(p.kind)}</td><td>{esc(p.max_class)}</td>"
                   f"<td>{above(p)}</td>"
                   f"<td>{esc(p.description)}</td></tr>" for p in policy.providers.values())
    review = "".join(f"<li><code>{esc(case)}</code>: {esc(why)}</li>" for case, why in policy.human_review.items())
    return ("<h2>The governance policy</h2>"
            + (f"<p>Owner: {esc(policy.owner)}.</p>" if policy.owner else "")
            + "<p>Data classes, lowest to highest: public &lt; internal &lt; confidential &lt; restricted (personal "
            "data). The gateway takes the class you declare or the one it detects, whichever is higher.</p>"
            "<table class=policy><tr><th>provider</th><th>kind</th><th>at most</th><th>above that</th>"
            "<th>what it is</th></tr>"
            + rows + "</table>"
            + (f"<p>Use cases whose output a person reviews before use:</p><ul>{review}</ul>" if review else "")
            + f"<p>Exceptions: {esc(policy.approver)}" + (f" ({esc(policy.contact)})" if policy.contact else "")
            + ".</p>")


def render_usage(request: Request, mine: dict, budget, groups) -> str:
    base = _here(request, "").rstrip("/")
    head = ("<tr><th rowspan=2>provider</th><th colspan=3>today</th><th colspan=3>total</th></tr>"
            "<tr>" + "<th>requests</th><th>tokens</th><th>refused</th>" * 2 + "</tr>")
    rows = "".join(f"<tr><th>{esc(v['provider'])}</th>{_counts(v['today'])}{_counts(v['total'])}</tr>"
                   for v in mine["providers"])
    refusals = "".join(f"<tr><td><code>{esc(r['rule'])}</code></td><td>{r['today']:,}</td><td>{r['total']:,}</td>"
                       "</tr>" for r in mine["refusals"])
    body = [f"<p>Signed in as <b>{esc(mine['user'])}</b> · day <b>{esc(mine['day'])}</b> (UTC) · "
            f"<a href=\"{esc(base)}/\">the gateway and its policy</a>"
            + (f" · <a href=\"{esc(base)}/instructor/usage\">everyone's usage</a>" if INSTRUCTORS in groups else "")
            + "</p>", _budget_line(budget, mine["today"])]
    if not mine["providers"]:
        body.append("<p>You have not used the gateway yet today.</p>")
    else:
        body.append("<table>" + head + f"<tr class=person><th>all</th>{_counts(mine['today'])}"
                    f"{_counts(mine['total'])}</tr>" + rows + "</table>")
    if refusals:
        body.append("<h2>Refused, by rule</h2><table><tr><th>rule</th><th>today</th><th>total</th></tr>"
                    + refusals + "</table>")
    return _page("Your model gateway usage", "".join(body))
