"""GitHub issues as JSON into :class:`BacklogItem` records — every shape teams save them in.

- ``gh issue list --json number,title,body,labels,state,createdAt,closedAt,author,url``: camelCase, ``author``,
  ``state`` as ``OPEN``/``CLOSED``, ``comments`` as objects.
- The REST API (``GET /repos/{owner}/{repo}/issues``, saved as is): snake_case, ``user``, ``html_url`` — and it
  lists pull requests too (they carry a ``pull_request`` member): those are left out, and counted.
- ``gh api --paginate …`` without ``--slurp`` writes one JSON array per page, back to back (``][``); JSON Lines has
  one issue per line. Both are read as the one list they are. The search API's ``{"items": [...]}`` wrapper is
  unwrapped, per page too.
- The description is ``body`` (Markdown), else ``body_text``, else ``body_html`` made text (what the REST API gives
  with ``Accept: application/vnd.github.full+json``). An export that has none of them for an issue is not read as an
  empty description without a word: the result notes how many issues came without one.

Keys are ``#<number>``. The type comes from the labels (``bug`` → Bug, ``enhancement``/``feature`` → Story,
``incident`` → Incident, otherwise Issue). A closed issue without ``closedAt`` counts as resolved, dated by
``updatedAt`` (noted).
"""

from __future__ import annotations

import json
import re
from datetime import timezone, tzinfo

from shiplab.data import dates
from shiplab.data.doctext import without_comments
from shiplab.data.errors import ImportProblem, ProblemList, settle
from shiplab.data.htmltext import as_text, html_to_text
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.options import ReadOptions, ReadResult
from shiplab.data.readers import EXPORT_AGAIN, require_items, require_unique_keys

TYPES = {"bug": "Bug", "enhancement": "Story", "feature": "Story", "story": "Story", "incident": "Incident",
         "epic": "Epic", "task": "Task"}
HOW = ("export with `gh issue list --json number,title,body,labels,state,createdAt,closedAt,author,url`, or save "
       "the REST API's /issues response as it is (`gh api --paginate --slurp …` for several pages).")
BODY_KEYS = ("body", "body_text", "body_html")


def looks_like(text: str) -> bool:
    return text.lstrip().startswith(("[", "{"))


def _decode_error(exc: json.JSONDecodeError, text: str, file: str, several: bool) -> ImportProblem:
    cut = exc.pos >= len(text.rstrip()) - 1 or not text.rstrip().endswith(("]", "}"))
    where = f"{exc.msg[0].lower()}{exc.msg[1:]}{'' if exc.msg.endswith(' at') else ' at'} character {exc.colno}"
    what = "the JSON stops before its end, so the file looks cut off (truncated)" if cut else "not valid JSON"
    if several and not cut:
        what += " (after the values before it, read as JSON Lines or `gh api --paginate` pages)"
    return ImportProblem(f"{what}: {where}.", file=file, line=exc.lineno, hint=EXPORT_AGAIN if cut else HOW)


def load_json(text: str, file: str):
    """The JSON value of the file; several values back to back (JSON Lines, ``--paginate`` pages) as a list of them,
    marked by returning ``(values, True)``."""
    try:
        return json.loads(text), False
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Extra data"):
            raise _decode_error(exc, text, file, False) from None
    except RecursionError:
        raise ImportProblem("the JSON is nested too deeply to be an issue list.", file=file, hint=HOW) from None
    decoder, values, pos = json.JSONDecoder(), [], 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n\ufeff":
            pos += 1
        if pos >= len(text):
            return values, True
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise _decode_error(exc, text, file, True) from None
        except RecursionError:
            raise ImportProblem("the JSON is nested too deeply to be an issue list.", file=file, hint=HOW) from None
        values.append(value)


def _issues(data, several: bool, file: str) -> list:
    """The list of issue objects, whichever shape held them."""
    def unwrap(value):
        if isinstance(value, dict) and isinstance(value.get("items"), list):
            return value["items"]
        return value

    if not several:
        data = unwrap(data)
        if not isinstance(data, list):
            raise ImportProblem(f"expected a JSON list of issues, found {type(data).__name__}.", file=file, hint=HOW)
        return data
    out = []
    for value in map(unwrap, data):  # pages (lists) and JSON Lines (one object each)
        out.extend(value if isinstance(value, list) else [value])
    return out


def _text(value) -> str | None:
    return value if isinstance(value, str) else ("" if value is None else None)


def _login(person) -> str:
    return str(person.get("login") or person.get("name") or "") if isinstance(person, dict) else ""


def _body(issue: dict) -> tuple[str | None, bool]:
    """(description, whether the export had any body field for it); None when a body field is not text."""
    present = [k for k in BODY_KEYS if k in issue]
    for key in BODY_KEYS:
        value = _text(issue.get(key))
        if value is None:
            return None, True
        if value.strip():
            return (html_to_text(value) if key == "body_html" else _shown(value)), True
    return "", bool(present)


def _shown(markdown: str) -> str:
    """What GitHub shows of a Markdown body: HTML made text, and the issue template's ``<!-- … -->`` comments
    (``<!-- Tell us what should happen -->``) taken out — GitHub never displays them, and they make every
    templated issue look alike."""
    text = as_text(markdown)
    if "<!--" not in text:
        return text
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", without_comments(text)).strip()


def _comments(value) -> list[str]:
    if not isinstance(value, list):  # the REST API gives a count
        return []
    out = []
    for c in value:
        if isinstance(c, dict):
            text = next((_text(c.get(k)) for k in BODY_KEYS if isinstance(c.get(k), str) and c.get(k).strip()), "")
            if text:
                out.append(_shown(text))
        elif isinstance(c, str) and c.strip():
            out.append(c)
    return out


def parse(text: str, file: str = "<github export>", tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every issue (not pull request) in the JSON, or one ImportProblem listing every bad item."""
    return read(text, file, ReadOptions(tz=tz)).items


def read(text: str, file: str = "<github export>", options: ReadOptions = ReadOptions()) -> ReadResult:
    """Every issue in the JSON: all or nothing, or (``options.skip_bad``) the good ones and the problems."""
    data, several = load_json(text, file)
    issues = _issues(data, several, file)
    problems = ProblemList(file, unit="item")
    items: list[BacklogItem] = []
    pulls = bodiless = guessed = 0
    for n, issue in enumerate(issues, start=1):
        if not isinstance(issue, dict):
            problems.add(f"expected an issue object, found {type(issue).__name__}.", row=n, hint=HOW)
            continue
        if "pull_request" in issue:
            pulls += 1
            continue
        number = issue.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not isinstance(issue.get("title"), str):
            problems.add("each issue needs a whole 'number' and a text 'title' (found: "
                         f"{', '.join(sorted(map(str, issue))[:12]) or 'nothing'}).", row=n, hint=HOW)
            continue
        body, had_body = _body(issue)
        labels_raw = issue.get("labels") or []
        if body is None or not isinstance(labels_raw, list):
            problems.add(f"issue #{number}: 'body' must be text and 'labels' a list.", row=n, hint=HOW)
            continue
        bodiless += not had_body
        when = {}
        for out, keys in (("created", ("createdAt", "created_at")), ("resolved", ("closedAt", "closed_at")),
                          ("updated", ("updatedAt", "updated_at"))):
            raw = next((issue[k] for k in keys if issue.get(k) is not None), None)
            try:
                if raw is not None and not isinstance(raw, str):
                    raise dates.DateProblem(raw)
                when[out] = dates.parse_date(raw or "", dates.GITHUB, options.tz)
                if when[out] is not None and when[out].year == 1:  # gh writes 0001-01-01 for "never"
                    when[out] = None
            except dates.DateProblem:
                problems.add(f"issue #{number}: " + dates.date_message(str(raw), dates.GITHUB), row=n, column=keys[0],
                             hint="GitHub writes ISO dates (2024-03-12T09:15:00Z): export again, unchanged.")
        state = str(issue.get("state") or "")
        resolved = when.get("resolved")
        if resolved is None and state.lower() == "closed" and not any(k in issue for k in ("closedAt", "closed_at")):
            resolved = when.get("updated") or when.get("created")
            guessed += 1
        labels = [str(lab.get("name") or "") if isinstance(lab, dict) else str(lab) for lab in labels_raw]
        labels = [lab for lab in labels if lab]
        assignees = issue.get("assignees") if isinstance(issue.get("assignees"), list) else []
        items.append(BacklogItem(
            key=f"#{number}", summary=issue["title"].strip(), description=body,
            type=next((TYPES[lab.lower()] for lab in labels if lab.lower() in TYPES), "Issue"),
            status=state.capitalize(), labels=labels, created=when.get("created"), resolved=resolved,
            reporter=_login(issue.get("author") or issue.get("user")),
            assignee=_login(assignees[0]) if assignees else _login(issue.get("assignee")),
            comments=_comments(issue.get("comments")),
            provenance=Provenance(file, "github", n, None, str(issue.get("url") or issue.get("html_url") or ""))))
    require_unique_keys(items, problems, "issue number")
    kept, skipped = settle(items, problems, skip_bad=options.skip_bad, hint=HOW)
    require_items(kept, file, "issues")
    notes = []
    if pulls:
        notes.append(f"{pulls} pull request{'s' if pulls > 1 else ''} left out (they are not backlog items).")
    if bodiless:
        notes.append(f"{bodiless} issue{'s have' if bodiless > 1 else ' has'} no body in the export, so no "
                     "description: export with `--json …,body` (or the REST API's body/body_text/body_html).")
    if guessed:
        notes.append(f"no closedAt: {guessed} closed issue{'s' if guessed > 1 else ''} dated by updatedAt.")
    return ReadResult(kept, skipped, notes)
