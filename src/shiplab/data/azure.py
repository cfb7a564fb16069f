"""Azure DevOps query results exported to CSV ("Open in Excel" / "Export to CSV") into :class:`BacklogItem` records.

Azure writes people as ``Name <email>`` (the name is kept, the address dropped: it is personal data the backlog does
not need), tags as one ``a; b`` cell, the team as the last part of ``Area Path`` (``Nordlicht\\Billing`` →
component ``Billing``), descriptions as HTML (made text), and dates in the exporting user's format — US-style
(``3/12/2024 9:15 AM``) unless that user set another; each date column's style is told from its values. A tree
query exports its titles as ``Title 1``, ``Title 2``, … by level: the item's title is the one it has. The work item
ID is the key. Without ``Closed Date``/``Resolved Date`` columns, a closed State counts as resolved (dated by
``Changed Date``); so does one whose Closed Date is empty — ``Removed`` is not open: it counts as resolved, as
:mod:`~shiplab.data.resolution` says, and its State keeps telling it apart from a closed one.
"""

from __future__ import annotations

from datetime import timezone, tzinfo

from shiplab.data import dates
from shiplab.data.errors import ProblemList, settle
from shiplab.data.htmltext import as_text
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.options import ReadOptions, ReadResult, date_reader
from shiplab.data.readers import read_table, require_items, require_unique_keys
from shiplab.data.resolution import says_resolved

REQUIRED = ["ID", "Work Item Type", ("Title", "Title 1"), "State"]
DATE_COLUMNS = (("Created Date", "created"), ("Closed Date", "resolved"), ("Resolved Date", "resolved"),
                ("Changed Date", "changed"))
HINT = "fix those rows in the export (or in a copy of it) and import again."


def looks_like(header_line: str) -> bool:
    return "work item type" in header_line.lower()


def person(value: str) -> str:
    """``Lena Leitner <lena.leitner@nordlicht.example>`` → ``Lena Leitner``."""
    name = value.split("<", 1)[0].strip()
    return name or value.strip().strip("<>")


def parse(text: str, file: str = "<azure export>", tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every work item in the CSV, or one ImportProblem listing every bad row."""
    return read(text, file, ReadOptions(tz=tz)).items


def read(text: str, file: str = "<azure export>", options: ReadOptions = ReadOptions()) -> ReadResult:
    """Every work item in the CSV: all or nothing, or (``options.skip_bad``) the good rows and the problems."""
    table = read_table(text, file, is_header=lambda cells: "work item type" in {c.strip().lower() for c in cells})
    table.require(REQUIRED, "Azure DevOps CSV export")
    titles = [h for h in table.header if h.lower() == "title" or h.lower().startswith("title ")]
    every = [v for c, _ in DATE_COLUMNS if table.has(c) for v in table.values(c)]
    readers = {c: date_reader(table.values(c if table.has(c) else None), dates.AZURE, options, file, c, every,
                              ambiguous="habit") for c, _ in DATE_COLUMNS}
    has_resolved = table.has("Closed Date") or table.has("Resolved Date")
    problems = ProblemList(file)
    items: list[BacklogItem] = []
    guessed = 0
    for row in table.check_widths(problems):
        when: dict = {}
        for column, field in DATE_COLUMNS:
            raw = table.one(row, column)
            try:
                when[field] = when.get(field) or readers[column].read(raw)
            except dates.DateProblem:
                problems.add(readers[column].message(raw), row=row.row, line=row.line, column=column,
                             hint=readers[column].hint(raw))
        key = table.one(row, "ID")
        if not key:
            problems.add("the work item ID is empty.", row=row.row, line=row.line, column="ID",
                         hint="export again with the ID column filled.")
            continue
        state = table.one(row, "State")
        resolved = when.get("resolved")
        if resolved is None and says_resolved(state):  # Closed/Done without a date, or Removed
            resolved = when.get("changed") or when.get("created")
            guessed += 1
        area = table.one(row, "Area Path")
        items.append(BacklogItem(
            key=key, summary=next((table.one(row, t) for t in titles if table.one(row, t)), ""),
            description=as_text(table.one(row, "Description")),
            type=table.one(row, "Work Item Type"), status=state,
            priority=table.one(row, "Priority"), components=[area.split("\\")[-1]] if area else [],
            labels=[t.strip() for t in table.one(row, "Tags").split(";") if t.strip()],
            created=when.get("created"), resolved=resolved,
            parent=table.one(row, "Parent"), assignee=person(table.one(row, "Assigned To")),
            reporter=person(table.one(row, "Created By")),
            provenance=Provenance(file, "azure", row.row, row.line, key)))
    require_unique_keys(items, problems, "work item ID")
    kept, skipped = settle(items, problems, skip_bad=options.skip_bad, hint=HINT)
    require_items(kept, file, "work items")
    notes = list(table.notes)
    guess = next((r.guessed_order for r in readers.values() if r.guessed_order), None)
    if guess:
        fmt = dates.suggest(guess[1], month_first=False)
        notes.append(f"no date in the file has a day above 12: dates read month-first ({guess[1]!r}), Azure DevOps' "
                     f"default; if your profile writes day-first, import with --date-format '{fmt}'.")
    if guessed:
        why = "'Closed Date' empty" if has_resolved else "no 'Closed Date' column"
        dated = "'Changed Date'" if table.has("Changed Date") else "'Created Date' (the file has no 'Changed Date')"
        notes.append(f"{why}: {guessed} work item{'s' if guessed > 1 else ''} counted resolved from State "
                     f"(closed or removed), dated by {dated}.")
    return ReadResult(kept, skipped, notes)
