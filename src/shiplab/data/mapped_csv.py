"""Any CSV, with a column mapping that says which column holds which field.

For the exports no importer knows (a Trello dump, a ServiceNow report, a team's own spreadsheet). The mapping is a
dict, or a YAML file of the same shape::

    key: Ticket            # required
    summary: Short text    # required
    description: Details
    created: Opened on     # ISO, 12/Mar/24 9:15 AM, 16/02/2017 or 3/12/2024 (told from the column), 12.03.2024
    labels: Tags           # split on ';' (or ',' when there is no ';'); a repeated column gives every value
    date_format: "%d/%m/%Y %H:%M"   # optional: how the dates are written (also 'dd/MM/yyyy HH:mm')
    locale: de                      # optional: the language of month names (22/Mär/14)

``date_format`` and ``locale`` (and ``tz``) are reading options, not columns: in ``~/backlog/mapping.yaml`` they also
apply to a Jira, GitHub or Azure export. Mistyped field names and columns get a "did you mean".
"""

from __future__ import annotations

import difflib
from datetime import timezone, tzinfo
from pathlib import Path

from shiplab.data import dates
from shiplab.data.errors import ImportProblem, ProblemList, settle
from shiplab.data.htmltext import as_text
from shiplab.data.jira import comment_text
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.options import ReadOptions, ReadResult, date_reader
from shiplab.data.readers import read_table, require_items, require_unique_keys

FIELDS = ("key", "summary", "description", "type", "status", "priority", "components", "labels", "created",
          "resolved", "parent", "assignee", "reporter", "comments")
LIST_FIELDS = ("components", "labels", "comments")
OPTION_KEYS = ("date_format", "locale", "tz")  # reading options a mapping file may carry beside the columns
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


def split_options(mapping: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The column mapping and the reading options (``date_format``, ``locale``, ``tz``) of a mapping file."""
    return ({k: v for k, v in mapping.items() if k not in OPTION_KEYS},
            {k: v for k, v in mapping.items() if k in OPTION_KEYS})


def check_mapping(mapping: dict[str, str], file: str) -> None:
    mapping = split_options(mapping)[0]
    unknown = [f for f in mapping if f not in FIELDS]
    missing = [f for f in ("key", "summary") if f not in mapping]
    if not unknown and not missing:
        return
    parts = []
    if missing:
        parts.append(f"the column mapping must name {' and '.join(repr(m) for m in missing)}")
    for f in unknown:
        close = difflib.get_close_matches(f, FIELDS, n=1)
        close = close or difflib.get_close_matches(f, OPTION_KEYS, n=1)
        parts.append(f"unknown field {f!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
    raise ImportProblem("; ".join(parts) + ".", file=file,
                        hint=f"fields you can map: {', '.join(FIELDS)}; options: {', '.join(OPTION_KEYS)}; "
                             f"e.g. {EXAMPLE}.")


def split_list(values: list[str]) -> list[str]:
    out = []
    for v in values:
        sep = ";" if ";" in v else ","
        out += [x.strip() for x in v.split(sep) if x.strip()]
    return out


def parse(text: str, file: str = "<csv>", mapping: dict[str, str] | None = None,
          tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every row of the CSV as a BacklogItem, fields taken from the columns ``mapping`` names."""
    return read(text, file, mapping, ReadOptions(tz=tz)).items


def read(text: str, file: str = "<csv>", mapping: dict[str, str] | None = None,
         options: ReadOptions = ReadOptions()) -> ReadResult:
    """Every row of the CSV: all or nothing, or (``options.skip_bad``) the good rows and the problems."""
    if not mapping:
        raise ImportProblem("a plain CSV needs a column mapping.", file=file,
                            hint=f"pass --mapping FILE.yaml (or mapping=dict) with {EXAMPLE}.")
    check_mapping(mapping, file)
    mapping = split_options(mapping)[0]
    table = read_table(text, file)
    table.require(list(dict.fromkeys(mapping.values())), "CSV with this column mapping")
    every = [v for f in ("created", "resolved") for v in table.values(mapping.get(f))]
    readers = {f: date_reader(table.values(mapping.get(f)), dates.ANY, options, file, mapping.get(f), every)
               for f in ("created", "resolved")}
    problems = ProblemList(file)
    items: list[BacklogItem] = []
    for row in table.check_widths(problems):
        v = {f: table.one(row, c) for f, c in mapping.items() if f not in LIST_FIELDS}
        when = {}
        for f in ("created", "resolved"):
            try:
                when[f] = readers[f].read(v.get(f, ""))
            except dates.DateProblem:
                problems.add(readers[f].message(v[f]), row=row.row, line=row.line, column=mapping[f],
                             hint=readers[f].hint(v[f]))
        if not v["key"]:
            problems.add("the key is empty.", row=row.row, line=row.line, column=mapping["key"],
                         hint="every row needs a key; fill it in, or map another column as key.")
            continue
        lists = {f: split_list(table.many(row, mapping[f])) for f in ("components", "labels") if f in mapping}
        items.append(BacklogItem(
            key=v["key"], summary=v["summary"], description=as_text(v.get("description", "")),
            type=v.get("type", ""), status=v.get("status", ""), priority=v.get("priority", ""),
            components=lists.get("components", []), labels=lists.get("labels", []), created=when.get("created"),
            resolved=when.get("resolved"), parent=v.get("parent", ""), assignee=v.get("assignee", ""),
            reporter=v.get("reporter", ""),
            comments=[comment_text(c) for c in table.many(row, mapping["comments"])] if "comments" in mapping else [],
            provenance=Provenance(file, "csv", row.row, row.line, v["key"])))
    require_unique_keys(items, problems)
    kept, skipped = settle(items, problems, skip_bad=options.skip_bad, hint="fix those rows (or the mapping) and "
                                                                                 "import again.")
    require_items(kept, file, "rows")
    notes = list(table.notes)
    langs = {r.detected_locale for r in readers.values() if r.detected_locale}
    if langs:
        notes.append(f"month names read as {', '.join(sorted(langs))} (say --locale to choose another).")
    return ReadResult(kept, skipped, notes)
