"""Azure DevOps query results exported to CSV ("Open in Excel" / "Export to CSV") into :class:`BacklogItem` records.

Azure writes people as ``Name <email>`` (the name is kept, the address dropped: it is personal data the backlog does
not need), tags as one ``a; b`` cell, the team as the last part of ``Area Path`` (``Nordlicht\\Billing`` →
component ``Billing``), and dates US-style (``3/12/2024 9:15 AM``) or ISO. The work item ID is the key.
"""

from __future__ import annotations

from datetime import timezone, tzinfo

from shiplab.data import dates
from shiplab.data.errors import ProblemList
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.readers import read_table, require_items, require_unique_keys

REQUIRED = ["ID", "Work Item Type", "Title", "State"]
DATE_COLUMNS = (("Created Date", "created"), ("Closed Date", "resolved"), ("Resolved Date", "resolved"))


def looks_like(header_line: str) -> bool:
    return "work item type" in header_line.lower()


def person(value: str) -> str:
    """``Lena Leitner <lena.leitner@nordlicht.example>`` → ``Lena Leitner``."""
    name = value.split("<", 1)[0].strip()
    return name or value.strip().strip("<>")


def parse(text: str, file: str = "<azure export>", tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every work item in the CSV, or one ImportProblem listing every bad row."""
    table = read_table(text, file)
    table.require(REQUIRED, "Azure DevOps CSV export")
    problems = ProblemList(file)
    items: list[BacklogItem] = []
    for row in table.check_widths(problems):
        when: dict = {}
        for column, field in DATE_COLUMNS:
            raw = table.one(row, column)
            try:
                when[field] = when.get(field) or dates.parse_date(raw, dates.AZURE, tz)
            except dates.DateProblem:
                problems.add(dates.date_message(raw, dates.AZURE), row=row.row, line=row.line, column=column)
        key = table.one(row, "ID")
        if not key:
            problems.add("the work item ID is empty.", row=row.row, line=row.line, column="ID")
            continue
        area = table.one(row, "Area Path")
        items.append(BacklogItem(
            key=key, summary=table.one(row, "Title"), description=table.one(row, "Description"),
            type=table.one(row, "Work Item Type"), status=table.one(row, "State"),
            priority=table.one(row, "Priority"), components=[area.split("\\")[-1]] if area else [],
            labels=[t.strip() for t in table.one(row, "Tags").split(";") if t.strip()],
            created=when.get("created"), resolved=when.get("resolved"),
            parent=table.one(row, "Parent"), assignee=person(table.one(row, "Assigned To")),
            reporter=person(table.one(row, "Created By")),
            provenance=Provenance(file, "azure", row.row, row.line, key)))
    require_unique_keys(items, problems, "work item ID")
    problems.raise_if_any(hint="fix those rows in the export (or in a copy of it) and import again.")
    require_items(items, file, "work items")
    return items
