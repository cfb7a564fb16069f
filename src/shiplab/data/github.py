"""GitHub issues as JSON into :class:`BacklogItem` records — both shapes teams have.

- ``gh issue list --json number,title,body,labels,state,createdAt,closedAt,author,url``: camelCase, ``author``.
- The REST API (``GET /repos/{owner}/{repo}/issues``, saved as is): snake_case, ``user``, ``html_url`` — and it
  lists pull requests too (they carry a ``pull_request`` member): those are skipped, they are not backlog items.

The search API's ``{"items": [...]}`` wrapper is unwrapped. Keys are ``#<number>``. The type comes from the labels
(``bug`` → Bug, ``enhancement``/``feature`` → Story, ``incident`` → Incident, otherwise Issue).
"""

from __future__ import annotations

import json
from datetime import timezone, tzinfo

from shiplab.data import dates
from shiplab.data.errors import ImportProblem, ProblemList
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.readers import EXPORT_AGAIN, require_items, require_unique_keys

TYPES = {"bug": "Bug", "enhancement": "Story", "feature": "Story", "story": "Story", "incident": "Incident",
         "epic": "Epic", "task": "Task"}
HOW = ("export with `gh issue list --json number,title,body,labels,state,createdAt,closedAt,author,url`, or save "
       "the REST API's /issues response as it is.")


def looks_like(text: str) -> bool:
    return text.lstrip().startswith(("[", "{"))


def load_json(text: str, file: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) - 1 or not text.rstrip().endswith(("]", "}"))
        where = f"{exc.msg[0].lower()}{exc.msg[1:]}{'' if exc.msg.endswith(' at') else ' at'} character {exc.colno}"
        raise ImportProblem(("the JSON stops before its end, so the file looks cut off (truncated)"
                             if cut else "not valid JSON") + f": {where}.", file=file, line=exc.lineno,
                            hint=EXPORT_AGAIN if cut else HOW) from None
    except RecursionError:
        raise ImportProblem("the JSON is nested too deeply to be an issue list.", file=file, hint=HOW) from None


def _text(value) -> str | None:
    return value if isinstance(value, str) else ("" if value is None else None)


def _login(person) -> str:
    return str(person.get("login") or person.get("name") or "") if isinstance(person, dict) else ""


def parse(text: str, file: str = "<github export>", tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every issue (not pull request) in the JSON, or one ImportProblem listing every bad item."""
    data = load_json(text, file)
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise ImportProblem(f"expected a JSON list of issues, found {type(data).__name__}.", file=file, hint=HOW)
    problems = ProblemList(file, unit="item")
    items: list[BacklogItem] = []
    for n, issue in enumerate(data, start=1):
        if not isinstance(issue, dict):
            problems.add(f"expected an issue object, found {type(issue).__name__}.", row=n)
            continue
        if "pull_request" in issue:
            continue
        number = issue.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not isinstance(issue.get("title"), str):
            problems.add("each issue needs a whole 'number' and a text 'title' (found: "
                         f"{', '.join(sorted(map(str, issue))[:12]) or 'nothing'}).", row=n)
            continue
        body, labels_raw = _text(issue.get("body")), issue.get("labels") or []
        if body is None or not isinstance(labels_raw, list):
            problems.add(f"issue #{number}: 'body' must be text and 'labels' a list.", row=n)
            continue
        when = {}
        for out, keys in (("created", ("createdAt", "created_at")), ("resolved", ("closedAt", "closed_at"))):
            raw = next((issue[k] for k in keys if issue.get(k) is not None), None)
            try:
                if raw is not None and not isinstance(raw, str):
                    raise dates.DateProblem(raw)
                when[out] = dates.parse_date(raw or "", dates.GITHUB, tz)
            except dates.DateProblem:
                problems.add(f"issue #{number}: " + dates.date_message(str(raw), dates.GITHUB), row=n, column=keys[0])
        labels = [str(lab.get("name") or "") if isinstance(lab, dict) else str(lab) for lab in labels_raw]
        labels = [lab for lab in labels if lab]
        assignees = issue.get("assignees") if isinstance(issue.get("assignees"), list) else []
        items.append(BacklogItem(
            key=f"#{number}", summary=issue["title"].strip(), description=body,
            type=next((TYPES[lab.lower()] for lab in labels if lab.lower() in TYPES), "Issue"),
            status=str(issue.get("state") or "").capitalize(), labels=labels,
            created=when.get("created"), resolved=when.get("resolved"),
            reporter=_login(issue.get("author") or issue.get("user")),
            assignee=_login(assignees[0]) if assignees else _login(issue.get("assignee")),
            provenance=Provenance(file, "github", n, None, str(issue.get("url") or issue.get("html_url") or ""))))
    require_unique_keys(items, problems, "issue number")
    problems.raise_if_any(hint=HOW)
    require_items(items, file, "issues")
    return items
