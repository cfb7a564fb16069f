"""Writing records out: JSON Lines, and CSV that a spreadsheet cannot turn into a formula."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

from shiplab.data.model import BacklogItem

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Neutralize spreadsheet formula injection: a cell starting with = + - @ tab or CR gets a leading quote."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_STARTS) else s


def items_to_csv(items: list[BacklogItem]) -> str:
    fields = ["key", "summary", "description", "type", "status", "priority", "components", "labels", "created",
              "resolved", "parent", "assignee", "reporter", "classification", "source", "line"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fields)
    for it in items:
        d = it.to_dict()
        row = [d[f] for f in fields[:-2]] + [it.provenance.source if it.provenance else "",
                                             it.provenance.line if it.provenance else ""]
        row[6], row[7] = "; ".join(it.components), "; ".join(it.labels)
        w.writerow([safe_cell(v) for v in row])
    return buf.getvalue()


def items_to_jsonl(items: list[BacklogItem]) -> str:
    return "".join(json.dumps(it.to_dict(), ensure_ascii=False) + "\n" for it in items)


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path`` and rename: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)
