"""Jira Cloud CSV export ("Export → CSV (all fields)") into :class:`BacklogItem` records.

What makes Jira's CSV special: column names repeat (one ``Labels`` column per label, one ``Component/s`` per
component, one ``Outward issue link (Duplicate)`` per link), dates look like ``12/Mar/24 9:15 AM``, and the parent
(epic) is given by its *issue id* in ``Parent`` — resolved here to the parent's key when it is in the same export.
Links become ``(type, key)`` pairs named as Jira names their direction: ``duplicates`` / ``is duplicated by``,
``blocks`` / ``is blocked by``, ``relates to``, ``clones`` / ``is cloned by``.
"""

from __future__ import annotations

from datetime import timezone, tzinfo

from shiplab.data import dates
from shiplab.data.errors import ProblemList
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.readers import read_table, require_items, require_unique_keys

REQUIRED = ["Summary", "Issue key", "Issue Type", "Status", "Created"]
LINK_NAMES = {"duplicate": ("duplicates", "is duplicated by"), "blocks": ("blocks", "is blocked by"),
              "relates": ("relates to", "relates to"), "cloners": ("clones", "is cloned by")}
PARENT_COLUMNS = ("Parent", "Parent id", "Parent key", "Custom field (Epic Link)")


def looks_like(header_line: str) -> bool:
    low = header_line.lower()
    return "issue key" in low and "summary" in low


def _links(table, row) -> list[tuple[str, str]]:
    links = []
    for name in dict.fromkeys(h for h in table.header if h.lower().startswith(("outward issue link (",
                                                                               "inward issue link ("))):
        kind = name.split("(", 1)[1].rstrip(")").strip()
        outward, inward = LINK_NAMES.get(kind.lower(), (kind.lower(), f"{kind.lower()} (inward)"))
        label = outward if name.lower().startswith("outward") else inward
        links += [(label, key) for key in table.many(row, name)]
    return links


def parse(text: str, file: str = "<jira export>", tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every issue in a Jira CSV export, or one ImportProblem listing every bad row."""
    table = read_table(text, file)
    table.require(REQUIRED, "Jira CSV export")
    problems = ProblemList(file)
    items: list[BacklogItem] = []
    for row in table.check_widths(problems):
        when = {}
        for column in ("Created", "Resolved"):
            raw = table.one(row, column)
            try:
                when[column] = dates.parse_date(raw, dates.JIRA, tz)
            except dates.DateProblem:
                problems.add(dates.date_message(raw, dates.JIRA), row=row.row, line=row.line, column=column)
        key = table.one(row, "Issue key")
        if not key:
            problems.add("the issue key is empty.", row=row.row, line=row.line, column="Issue key")
            continue
        if not table.one(row, "Summary"):
            problems.add("the summary is empty.", row=row.row, line=row.line, column="Summary")
        parent = next((table.one(row, c) for c in PARENT_COLUMNS if table.one(row, c)), "")
        items.append(BacklogItem(
            key=key, summary=table.one(row, "Summary"), description=table.one(row, "Description"),
            type=table.one(row, "Issue Type"), status=table.one(row, "Status"), priority=table.one(row, "Priority"),
            components=table.many(row, "Component/s"), labels=table.many(row, "Labels"), created=when.get("Created"),
            resolved=when.get("Resolved"), links=_links(table, row), parent=parent,
            assignee=table.one(row, "Assignee"), reporter=table.one(row, "Reporter"),
            provenance=Provenance(file, "jira", row.row, row.line, table.one(row, "Issue id"))))
    require_unique_keys(items, problems, "issue key")
    problems.raise_if_any(hint="fix those rows in the export (or in a copy of it) and import again.")
    require_items(items, file, "issues")
    key_of = {it.provenance.original_id: it.key for it in items if it.provenance.original_id}
    for it in items:  # Parent holds the parent's issue id; the key is what people and links use
        it.parent = key_of.get(it.parent, it.parent)
    return items
