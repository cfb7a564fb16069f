"""The backlog as three tools export it: Jira Cloud CSV, ``gh issue list --json``, Azure DevOps query CSV.

Each writer keeps to the quirks of the real export, because the importers are tested against them: Jira repeats
a column header once per value (``Component/s``, ``Labels``, link columns) and writes dates as ``12/Mar/24 9:15 AM``;
GitHub gives labels as objects and ISO timestamps; Azure DevOps writes ``Name <email>`` and US-style dates.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime

from shiplab.samplegen.backlog import Item

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def jira_date(d: datetime | None) -> str:
    """Jira's export format, ``dd/Mon/yy h:mm AM``, independent of the machine's locale."""
    if d is None:
        return ""
    hour = d.hour % 12 or 12
    return f"{d.day:02d}/{MONTHS[d.month - 1]}/{d.year % 100:02d} {hour}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}"


def _pad(values: list[str], n: int) -> list[str]:
    return list(values) + [""] * (n - len(values))


def jira_csv(items: list[Item]) -> str:
    """A Jira Cloud CSV export: repeated Component/s, Labels and link columns, as Jira writes them."""
    inward: dict[str, list[str]] = {}
    for i in items:
        for target in i.duplicates:
            inward.setdefault(target, []).append(i.key)
    n_comp = max(len(i.components) for i in items)
    n_lab = max(max(len(i.labels) for i in items), 1)
    n_out = max(max(len(i.duplicates) for i in items), 1)
    n_in = max([len(v) for v in inward.values()] or [1])
    header = (["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Priority", "Resolution", "Assignee",
               "Reporter", "Created", "Updated", "Resolved"] + ["Component/s"] * n_comp + ["Labels"] * n_lab
              + ["Description", "Parent"] + ["Outward issue link (Duplicate)"] * n_out
              + ["Inward issue link (Duplicate)"] * n_in)
    by_key = {i.key: i for i in items}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for i in items:
        w.writerow([i.summary, i.key, i.id, i.type, i.status, i.priority, i.resolution, i.assignee, i.reporter,
                    jira_date(i.created), jira_date(i.updated), jira_date(i.resolved)]
                   + _pad(i.components, n_comp) + _pad(i.labels, n_lab)
                   + [i.description, str(by_key[i.parent].id) if i.parent else ""]
                   + _pad(i.duplicates, n_out) + _pad(inward.get(i.key, []), n_in))
    return buf.getvalue()


def _login(name: str) -> str:
    return name.lower().replace(" ", "-").translate(str.maketrans("üöäéèç", "uoaeec"))


def github_json(rng: random.Random, items: list[Item], n: int = 150) -> str:
    """What `gh issue list --json number,title,body,labels,state,createdAt,closedAt,author,url` prints."""
    pool = [i for i in items if i.type in ("Bug", "Story") and not i.duplicates]
    chosen = sorted(rng.sample(pool, n), key=lambda i: (i.created, i.id))
    out = []
    for number, i in enumerate(chosen, start=1):
        labels = [{"name": "bug" if i.type == "Bug" else "enhancement"}] + [{"name": lab} for lab in i.labels]
        out.append({"number": number, "title": i.summary, "body": i.description, "labels": labels,
                    "state": "CLOSED" if i.resolved else "OPEN",
                    "createdAt": i.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "closedAt": i.resolved.strftime("%Y-%m-%dT%H:%M:%SZ") if i.resolved else None,
                    "author": {"login": _login(i.reporter)},
                    "url": f"https://github.com/nordlicht-example/customer-portal/issues/{number}"})
    out.reverse()  # gh lists the newest first
    return json.dumps(out, indent=1, ensure_ascii=False) + "\n"


def _us_date(d: datetime) -> str:
    return f"{d.month}/{d.day}/{d.year} {jira_date(d).split(' ', 1)[1]}"


def azure_csv(rng: random.Random, items: list[Item], n: int = 150) -> str:
    """An Azure DevOps query result exported as CSV."""
    types = {"Story": "User Story", "Bug": "Bug", "Incident": "Issue", "Epic": "Epic", "Task": "Task"}
    states = {"To Do": "New", "In Progress": "Active", "In Review": "Resolved", "Done": "Closed"}
    chosen = sorted(rng.sample([i for i in items if not i.duplicates], n), key=lambda i: i.id)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["ID", "Work Item Type", "Title", "State", "Assigned To", "Area Path", "Iteration Path", "Tags",
                "Created Date", "Changed Date", "Description"])
    for idx, i in enumerate(chosen, start=4100):
        who = f"{i.assignee} <{_login(i.assignee).replace('-', '.')}@nordlicht.example>" if i.assignee else ""
        sprint = 1 + (i.created - datetime(i.created.year, 1, 1)).days // 14
        w.writerow([idx, types[i.type], i.summary, states[i.status], who, f"Nordlicht\\{i.components[0]}",
                    f"Nordlicht\\{i.created.year}\\Sprint {sprint}", "; ".join(i.labels),
                    _us_date(i.created), _us_date(i.updated), i.description])
    return buf.getvalue()
