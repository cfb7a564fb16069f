"""Writing normalized records out — JSON Lines, and CSV a spreadsheet cannot turn into a formula — atomically.

**Formula injection**: a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is run as a
formula by Excel and LibreOffice (``=HYPERLINK(...)`` in a ticket summary becomes a link that leaks data). Such
cells get a leading apostrophe, by the rule every shiplab CSV follows (:mod:`shiplab.web.sheets`), which
:func:`~shiplab.web.sheets.unsafe_cell` undoes exactly, so an exported CSV imports back to the same items.

**Atomic writes**: the output goes to a temporary file beside the target and is renamed over it, so a reader (or a
crash) never sees half a file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

from shiplab.data.model import BacklogItem, Document
from shiplab.web.sheets import safe_cell

ITEM_COLUMNS = ["key", "summary", "description", "type", "status", "priority", "components", "labels", "created",
                "resolved", "links", "parent", "assignee", "reporter", "comments", "classification", "source", "format",
                "row", "line", "original_id"]
OPTIONAL_COLUMNS = ("comments",)  # absent from exports written before they existed
DOC_COLUMNS = ["id", "title", "format", "doc_type", "classification", "text"]
LIST_SEP = "; "
LINK_SEP = ": "


def item_row(it: BacklogItem) -> list:
    p = it.provenance
    return [it.key, it.summary, it.description, it.type, it.status, it.priority, LIST_SEP.join(it.components),
            LIST_SEP.join(it.labels), it.created.isoformat() if it.created else "",
            it.resolved.isoformat() if it.resolved else "", LIST_SEP.join(f"{t}{LINK_SEP}{k}" for t, k in it.links),
            it.parent, it.assignee, it.reporter, json.dumps(it.comments, ensure_ascii=False) if it.comments else "",
            it.classification, p.source if p else "", p.format if p else "",
            "" if not p or p.row is None else p.row, "" if not p or p.line is None else p.line,
            p.original_id if p else ""]


def _csv(columns: list[str], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def items_to_csv(items: list[BacklogItem]) -> str:
    return _csv(ITEM_COLUMNS, (item_row(it) for it in items))


_LINE_BREAKING = re.compile("[\x7f-\x9f\u2028\u2029]")


def _json_line(d: dict) -> str:
    """One JSON Lines record: readable UTF-8, but with every character some reader treats as a line break escaped."""
    return _LINE_BREAKING.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(d, ensure_ascii=False)) + "\n"


def items_to_jsonl(items: list[BacklogItem]) -> str:
    return "".join(_json_line(it.to_dict()) for it in items)


def documents_to_csv(docs: list[Document]) -> str:
    return _csv(DOC_COLUMNS, ([d.id, d.title, d.format, d.doc_type, d.classification, d.text] for d in docs))


def documents_to_jsonl(docs: list[Document]) -> str:
    return "".join(_json_line(d.to_dict()) for d in docs)


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to a temporary file beside ``path``, then rename it over ``path``. The folder must
    exist: a mistyped ``--out /nonexistent/dir/x.jsonl`` is refused, not made (up to ``/``)."""
    path = Path(path)
    if not path.parent.is_dir():
        from shiplab.data.errors import ImportProblem

        raise ImportProblem(f"the folder {str(path.parent)!r} does not exist; nothing was written.", file=str(path),
                            hint="write into an existing folder (create it first if you meant a new one).")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_records(path: str | Path, records: list) -> Path:
    """Items or documents to ``.csv`` or ``.jsonl`` (chosen by the suffix), atomically."""
    path = Path(path)
    docs = bool(records) and isinstance(records[0], Document)
    if path.suffix.lower() == ".csv":
        text = documents_to_csv(records) if docs else items_to_csv(records)
    else:
        text = documents_to_jsonl(records) if docs else items_to_jsonl(records)
    return write_atomic(path, text)
