"""Reading back what :mod:`shiplab.data.export` wrote (format ``shiplab``): JSON Lines or the normalized CSV.

An export imports back to equal items — fields, lists, links, timezone-aware dates, classification and the
*original* provenance (where the item first came from, not the export file), so a result traced through several
hand-offs still points at the team's own export.
"""

from __future__ import annotations

import json
from datetime import datetime

from shiplab.data.errors import ImportProblem, ProblemList
from shiplab.data.export import ITEM_COLUMNS, LINK_SEP, LIST_SEP, OPTIONAL_COLUMNS
from shiplab.web.sheets import unsafe_cell
from shiplab.data.model import CLASSES, BacklogItem, Provenance
from shiplab.data.readers import read_table, require_items

HINT = "import the file `shiplab data import … --out` wrote, unchanged, or import the original export."


def looks_like_csv(header_line: str) -> bool:
    return header_line.strip().lstrip("\ufeff").lower().startswith("key,summary,description,")


def looks_like_jsonl(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0].strip()
    return first.startswith("{") and first.endswith("}") and '"key"' in first and '"summary"' in first


def parse_jsonl(text: str, file: str = "<jsonl>") -> list[BacklogItem]:
    problems = ProblemList(file)
    items, places = [], []
    lines = text.split("\n")  # only "\n" ends a JSON Lines record (str.splitlines would also split at U+2028)
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if not isinstance(d, dict):
                raise TypeError("not an object")
            item = BacklogItem.from_dict(d)
            _check_types(item)
        except json.JSONDecodeError as exc:
            last = not any(rest.strip() for rest in lines[n:])
            problems.add(("the last line stops early, so the file looks cut off: " if last else "not valid JSON: ")
                         + f"{exc.msg} (character {exc.colno}).", line=n)
            continue
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            problems.add(f"not a backlog item as shiplab writes them ({type(exc).__name__}: {exc}).", line=n)
            continue
        if item.provenance is None:  # written by hand or by another tool: this file is where it comes from
            item.provenance = Provenance(file, "shiplab", n, n, item.key)
        items.append(item)
        places.append(n)
    _unique(items, places, problems, file, "line")
    return items


def _check_types(item: BacklogItem) -> None:
    texts = ("key", "summary", "description", "type", "status", "priority", "parent", "assignee", "reporter")
    bad = [f for f in texts if not isinstance(getattr(item, f), str)]
    bad += [f for f in ("components", "labels", "comments") if not isinstance(getattr(item, f), list)
            or not all(isinstance(x, str) for x in getattr(item, f))]
    bad += [f for f in ("created", "resolved") if getattr(item, f) and getattr(item, f).tzinfo is None]
    if item.classification not in CLASSES:
        bad.append("classification")
    if bad:
        raise TypeError(f"wrong value in {', '.join(bad)}")


def _unique(items: list[BacklogItem], places: list[int], problems: ProblemList, file: str, unit: str) -> None:
    # duplicates are named by this file's rows/lines, not by the original rows the provenance keeps
    seen: dict[str, int] = {}
    for it, place in zip(items, places):
        if it.key in seen:
            problems.add(f"duplicate key {it.key!r}: also on {unit} {seen[it.key]}.",
                         **{"row" if unit == "row" else "line": place})
        seen.setdefault(it.key, place)
    problems.raise_if_any(hint=HINT)
    require_items(items, file)


def _date(value: str) -> datetime | None:
    if not value:
        return None
    d = datetime.fromisoformat(value)
    if d.tzinfo is None:
        raise ValueError(f"{value!r} has no timezone")
    return d


def _int(value: str) -> int | None:
    return int(value) if value else None


def parse_csv(text: str, file: str = "<csv>") -> list[BacklogItem]:
    table = read_table(text, file)
    table.require([c for c in ITEM_COLUMNS if c not in OPTIONAL_COLUMNS], "shiplab CSV export")
    problems = ProblemList(file)
    items, places = [], []
    for row in table.check_widths(problems):
        v = {c: unsafe_cell(table.one(row, c, strip=False)) for c in ITEM_COLUMNS}
        try:
            created, resolved = _date(v["created"]), _date(v["resolved"])
            prov = Provenance(v["source"], v["format"], _int(v["row"]), _int(v["line"]), v["original_id"])
            comments = json.loads(v["comments"]) if v["comments"] else []
            if not isinstance(comments, list) or not all(isinstance(c, str) for c in comments):
                raise ValueError("comments must be a JSON list of texts")
        except ValueError as exc:
            problems.add(f"not as shiplab writes it ({exc}).", row=row.row, line=row.line)
            continue
        if v["classification"] not in CLASSES:
            problems.add(f"classification {v['classification']!r} is not one of {', '.join(CLASSES)}.",
                         row=row.row, line=row.line, column="classification")
            continue
        links = [tuple(x.split(LINK_SEP, 1)) for x in v["links"].split(LIST_SEP) if x]
        if any(len(link) != 2 for link in links):
            problems.add(f"links must read 'type{LINK_SEP}KEY; …', found {v['links']!r}.", row=row.row,
                         line=row.line, column="links")
            continue
        items.append(BacklogItem(
            key=v["key"], summary=v["summary"], description=v["description"], type=v["type"], status=v["status"],
            priority=v["priority"], components=[x for x in v["components"].split(LIST_SEP) if x],
            labels=[x for x in v["labels"].split(LIST_SEP) if x], created=created, resolved=resolved,
            links=links, parent=v["parent"], assignee=v["assignee"], reporter=v["reporter"],
            classification=v["classification"], provenance=prov, comments=comments))
        places.append(row.row)
    _unique(items, places, problems, file, "row")
    return items


def parse(text: str, file: str = "<shiplab export>") -> list[BacklogItem]:
    if looks_like_jsonl(text):
        return parse_jsonl(text, file)
    if looks_like_csv(text.split("\n", 1)[0]):
        return parse_csv(text, file)
    raise ImportProblem("this is not a file shiplab exported (JSON Lines or CSV).", file=file, hint=HINT)
