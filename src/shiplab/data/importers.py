"""Importers for the exports teams have: Jira CSV, GitHub issues JSON, Azure DevOps CSV, any CSV with a mapping.

Each takes the decoded text and the file name and returns every item, or raises one ImportProblem listing every
bad row. Nothing is returned half-done.
"""

from __future__ import annotations

import json

from shiplab.data.errors import ImportProblem, RowProblems
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.readers import columns, date_problem, parse_date, read_csv, require_columns


def _check_unique(items: list[BacklogItem], problems: RowProblems, what: str = "key") -> None:
    first: dict[str, int | None] = {}
    for it in items:
        line = it.provenance.line if it.provenance else None
        if it.key in first:
            problems.add(f"line {line}: duplicate {what} {it.key!r} (first on line {first[it.key]}).")
        else:
            first[it.key] = line


# ---------------------------------------------------------------- Jira
JIRA_REQUIRED = ["Summary", "Issue key", "Issue Type", "Status", "Created"]


def jira(text: str, name: str) -> list[BacklogItem]:
    header, rows = read_csv(text, name)
    cols = columns(header)
    require_columns(cols, JIRA_REQUIRED, name, "Jira CSV export")
    problems = RowProblems(name)
    items = []

    def one(row, col):
        idx = cols.get(col)
        return row[idx[0]].strip() if idx and idx[0] < len(row) else ""

    def many(row, col):
        return [row[i].strip() for i in cols.get(col, []) if i < len(row) and row[i].strip()]

    for line, row in rows:
        if len(row) < len(header):
            problems.add(f"line {line}: {len(row)} values for {len(header)} columns (a cut-off or broken row).")
            continue
        dates = {}
        for col in ("Created", "Resolved"):
            try:
                dates[col] = parse_date(one(row, col))
            except ValueError:
                problems.add(date_problem(line, col, one(row, col)))
        key = one(row, "Issue key")
        if not key:
            problems.add(f"line {line}: empty 'Issue key'.")
            continue
        links = [("duplicates", k) for k in many(row, "Outward issue link (Duplicate)")]
        links += [("is duplicated by", k) for k in many(row, "Inward issue link (Duplicate)")]
        for col in cols:
            if col.startswith(("Outward issue link (", "Inward issue link (")) and "(Duplicate)" not in col:
                links += [(col.split("(", 1)[1].rstrip(")").lower(), k) for k in many(row, col)]
        items.append(BacklogItem(
            key=key, summary=one(row, "Summary"), description=one(row, "Description"), type=one(row, "Issue Type"),
            status=one(row, "Status"), priority=one(row, "Priority"), components=many(row, "Component/s"),
            labels=many(row, "Labels"), created=dates.get("Created"), resolved=dates.get("Resolved"), links=links,
            parent=one(row, "Parent") or one(row, "Parent id"), assignee=one(row, "Assignee"),
            reporter=one(row, "Reporter"), provenance=Provenance(name, "jira", line, one(row, "Issue id"))))
    _check_unique(items, problems, "Issue key")
    problems.raise_if_any(hint="fix those rows in the export (or in a copy) and import again.")
    return items


# ---------------------------------------------------------------- GitHub
def github(text: str, name: str) -> list[BacklogItem]:
    """The REST API list shape (``created_at``, ``user``) or `gh issue list --json` (``createdAt``, ``author``)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        cut = not text.rstrip().endswith(("]", "}"))
        raise ImportProblem(name, [f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."],
                            hint="the file is cut off before its end: export it again." if cut else
                            "export with `gh issue list --json …` or save the REST API response as is.") from None
    if isinstance(data, dict) and "items" in data:  # the search API wraps the list
        data = data["items"]
    if not isinstance(data, list):
        raise ImportProblem(name, [f"expected a JSON list of issues, found a {type(data).__name__}."],
                            hint="export with `gh issue list --json number,title,body,labels,state,createdAt,"
                                 "closedAt,author` or save the /issues REST response.")
    problems = RowProblems(name)
    items = []
    for n, issue in enumerate(data, start=1):
        if not isinstance(issue, dict):
            problems.add(f"item {n}: expected an object, found {type(issue).__name__}.")
            continue
        if "pull_request" in issue:
            continue  # the REST issues list includes pull requests
        if "number" not in issue or "title" not in issue:
            problems.add(f"item {n}: missing 'number' or 'title' (found: {', '.join(sorted(issue)[:12])}).")
            continue
        wrong = [f"'{k}' should be {what}" for k, ok, what in (
            ("number", isinstance(issue["number"], int) and not isinstance(issue["number"], bool), "a number"),
            ("title", isinstance(issue["title"], str), "text"),
            ("body", isinstance(issue.get("body"), (str, type(None))), "text"),
            ("labels", isinstance(issue.get("labels"), (list, type(None))), "a list"),
            ("createdAt", isinstance(issue.get("createdAt", issue.get("created_at")), (str, type(None))), "a date"),
            ("closedAt", isinstance(issue.get("closedAt", issue.get("closed_at")), (str, type(None))), "a date"))
            if not ok]
        if wrong:
            problems.add(f"item {n}: " + "; ".join(wrong) + ".")
            continue
        dates = {}
        for out, keys in (("created", ("createdAt", "created_at")), ("resolved", ("closedAt", "closed_at"))):
            raw = next((issue[k] for k in keys if issue.get(k)), None)
            try:
                dates[out] = parse_date(str(raw)) if raw else None
            except ValueError:
                problems.add(f"item {n} (#{issue['number']}): cannot read the date {raw!r} in {keys[0]}.")
        labels = []
        for lab in issue.get("labels") or []:
            labels.append(str(lab.get("name", "")) if isinstance(lab, dict) else str(lab))
        author = issue.get("author") or issue.get("user") or {}
        assignees = issue.get("assignees") or []
        items.append(BacklogItem(
            key=f"#{issue['number']}", summary=str(issue.get("title") or ""), description=str(issue.get("body") or ""),
            type=next((lab for lab in labels if lab.lower() in ("bug", "story", "feature", "incident")), "Issue"),
            status=str(issue.get("state", "")).lower(), labels=[lab for lab in labels if lab], created=dates.get("created"),
            resolved=dates.get("resolved"), reporter=author.get("login", "") if isinstance(author, dict) else "",
            assignee=(assignees[0].get("login", "") if assignees and isinstance(assignees[0], dict) else ""),
            provenance=Provenance(name, "github", n, str(issue.get("url") or issue.get("html_url") or ""))))
    _check_unique(items, problems, "issue number")
    problems.raise_if_any()
    return items


# ---------------------------------------------------------------- Azure DevOps
AZURE_REQUIRED = ["ID", "Work Item Type", "Title", "State"]


def azure(text: str, name: str) -> list[BacklogItem]:
    header, rows = read_csv(text, name)
    cols = columns(header)
    require_columns(cols, AZURE_REQUIRED, name, "Azure DevOps CSV export")
    problems = RowProblems(name)
    items = []
    get = lambda row, col: row[cols[col][0]].strip() if col in cols and cols[col][0] < len(row) else ""  # noqa: E731
    for line, row in rows:
        dates = {}
        for col, out in (("Created Date", "created"), ("Closed Date", "resolved")):
            try:
                dates[out] = parse_date(get(row, col))
            except ValueError:
                problems.add(date_problem(line, col, get(row, col)))
        who = get(row, "Assigned To")
        area = get(row, "Area Path")
        items.append(BacklogItem(
            key=get(row, "ID"), summary=get(row, "Title"), description=get(row, "Description"),
            type=get(row, "Work Item Type"), status=get(row, "State"), priority=get(row, "Priority"),
            components=[area.split("\\")[-1]] if area else [],
            labels=[t.strip() for t in get(row, "Tags").split(";") if t.strip()], created=dates.get("created"),
            resolved=dates.get("resolved"), assignee=who.split("<")[0].strip(),
            provenance=Provenance(name, "azure", line, get(row, "ID"))))
        if not items[-1].key:
            problems.add(f"line {line}: empty 'ID'.")
    _check_unique(items, problems, "ID")
    problems.raise_if_any()
    return items


# ---------------------------------------------------------------- any CSV + mapping
MAPPABLE = ["key", "summary", "description", "type", "status", "priority", "components", "labels", "created",
            "resolved", "assignee", "reporter", "parent"]


def mapped_csv(text: str, name: str, mapping: dict[str, str]) -> list[BacklogItem]:
    """Any CSV: ``mapping`` names the column for each field (``key`` and ``summary`` required)."""
    unknown = sorted(set(mapping) - set(MAPPABLE))
    if unknown or not {"key", "summary"} <= set(mapping):
        raise ImportProblem(name, ["the column mapping must name 'key' and 'summary'"
                                   + (f"; unknown fields {', '.join(unknown)}" if unknown else "") + "."],
                            hint=f"fields you can map: {', '.join(MAPPABLE)}.")
    header, rows = read_csv(text, name)
    cols = columns(header)
    require_columns(cols, list(mapping.values()), name, "CSV with this mapping")
    problems = RowProblems(name)
    items = []
    for line, row in rows:
        v = {f: (row[cols[c][0]].strip() if cols[c][0] < len(row) else "") for f, c in mapping.items()}
        dates = {}
        for f in ("created", "resolved"):
            try:
                dates[f] = parse_date(v.get(f, ""))
            except ValueError:
                problems.add(date_problem(line, mapping[f], v[f]))
        split = lambda s: [x.strip() for x in s.replace(";", ",").split(",") if x.strip()]  # noqa: E731
        items.append(BacklogItem(
            key=v["key"], summary=v["summary"], description=v.get("description", ""), type=v.get("type", ""),
            status=v.get("status", ""), priority=v.get("priority", ""), components=split(v.get("components", "")),
            labels=split(v.get("labels", "")), created=dates.get("created"), resolved=dates.get("resolved"),
            assignee=v.get("assignee", ""), reporter=v.get("reporter", ""), parent=v.get("parent", ""),
            provenance=Provenance(name, "csv", line, v["key"])))
        if not v["key"]:
            problems.add(f"line {line}: empty key column {mapping['key']!r}.")
    _check_unique(items, problems)
    problems.raise_if_any()
    return items
