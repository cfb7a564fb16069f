"""Any CSV, with a column mapping that says which column holds which field.

For the exports no importer knows (a Trello dump, a ServiceNow report, a team's own spreadsheet). The mapping is a
dict, or a YAML file of the same shape::

    key: Ticket            # required
    summary: Short text    # required
    description: Details
    created: Opened on     # ISO, 12/Mar/24 9:15 AM, 3/12/2024 (month first) or 12.03.2024
    labels: Tags           # split on ';' (or ',' when there is no ';'); a repeated column gives every value

Mistyped field names and columns get a "did you mean".
"""

from __future__ import annotations

import difflib
from datetime import timezone, tzinfo
from pathlib import Path

from shiplab.data import dates
from shiplab.data.errors import ImportProblem, ProblemList
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.readers import read_table, require_items, require_unique_keys

FIELDS = ("key", "summary", "description", "type", "status", "priority", "components", "labels", "created",
          "resolved", "parent", "assignee", "reporter")
LIST_FIELDS = ("components", "labels")
EXAMPLE = "key: ID, summary: Title (and optionally description, type, status, created, labels, …)"


def load_mapping(path: str | Path) -> dict[str, str]:
    """A mapping from a YAML file (``field: Column`` lines)."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ImportProblem(f"cannot read the column mapping ({type(exc).__name__}).", file=str(path),
                            hint=f"write one 'field: Column' per line, e.g. {EXAMPLE}.") from None
    if not isinstance(data, dict):
        raise ImportProblem("the column mapping must be 'field: Column' lines.", file=str(path),
                            hint=f"e.g. {EXAMPLE}.")
    return {str(k): str(v) for k, v in data.items()}


def check_mapping(mapping: dict[str, str], file: str) -> None:
    unknown = [f for f in mapping if f not in FIELDS]
    missing = [f for f in ("key", "summary") if f not in mapping]
    if not unknown and not missing:
        return
    parts = []
    if missing:
        parts.append(f"the column mapping must name {' and '.join(repr(m) for m in missing)}")
    for f in unknown:
        close = difflib.get_close_matches(f, FIELDS, n=1)
        parts.append(f"unknown field {f!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise ImportProblem("; ".join(parts) + ".", file=file,
                        hint=f"fields you can map: {', '.join(FIELDS)}; e.g. {EXAMPLE}.")


def split_list(values: list[str]) -> list[str]:
    out = []
    for v in values:
        sep = ";" if ";" in v else ","
        out += [x.strip() for x in v.split(sep) if x.strip()]
    return out


def parse(text: str, file: str = "<csv>", mapping: dict[str, str] | None = None,
          tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every row of the CSV as a BacklogItem, fields taken from the columns ``mapping`` names."""
    if not mapping:
        raise ImportProblem("a plain CSV needs a column mapping.", file=file,
                            hint=f"pass --mapping FILE.yaml (or mapping=dict) with {EXAMPLE}.")
    check_mapping(mapping, file)
    table = read_table(text, file)
    table.require(list(dict.fromkeys(mapping.values())), "CSV with this column mapping")
    problems = ProblemList(file)
    items: list[BacklogItem] = []
    for row in table.check_widths(problems):
        v = {f: table.one(row, c) for f, c in mapping.items() if f not in LIST_FIELDS}
        when = {}
        for f in ("created", "resolved"):
            try:
                when[f] = dates.parse_date(v.get(f, ""), dates.ANY, tz)
            except dates.DateProblem:
                problems.add(dates.date_message(v[f], dates.ANY), row=row.row, line=row.line, column=mapping[f])
        if not v["key"]:
            problems.add("the key is empty.", row=row.row, line=row.line, column=mapping["key"])
            continue
        lists = {f: split_list(table.many(row, mapping[f])) for f in LIST_FIELDS if f in mapping}
        items.append(BacklogItem(
            key=v["key"], summary=v["summary"], description=v.get("description", ""), type=v.get("type", ""),
            status=v.get("status", ""), priority=v.get("priority", ""), components=lists.get("components", []),
            labels=lists.get("labels", []), created=when.get("created"), resolved=when.get("resolved"),
            parent=v.get("parent", ""), assignee=v.get("assignee", ""), reporter=v.get("reporter", ""),
            provenance=Provenance(file, "csv", row.row, row.line, v["key"])))
    require_unique_keys(items, problems)
    problems.raise_if_any(hint="fix those rows (or the mapping) and import again.")
    require_items(items, file, "rows")
    return items
