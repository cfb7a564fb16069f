"""Reading an export safely: size limit (streamed), encoding, empty and truncated files, CSV with repeated columns,
and dates in the formats the tools write."""

from __future__ import annotations

import csv
import difflib
import io
import re
from datetime import datetime, timezone
from pathlib import Path

from shiplab.data.errors import ImportProblem

DEFAULT_LIMIT = 50 * 1024 * 1024
CHUNK = 1024 * 1024
csv.field_size_limit(10 * 1024 * 1024)


def read_bytes(path: Path, limit: int = DEFAULT_LIMIT, progress=None) -> bytes:
    """Read at most ``limit`` bytes in chunks; refuse a larger file without loading it."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem(str(path), ["the file does not exist."], hint="check the path.")
    chunks, total = [], 0
    with open(path, "rb") as f:
        while True:
            chunk = f.read(CHUNK)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:
                raise ImportProblem(path.name, [f"the file is larger than the import limit of {limit // 1024 // 1024} MB."],
                                    hint="export fewer items (e.g. one project or a date range), or raise the "
                                         "limit with --max-mb.")
            chunks.append(chunk)
            if progress:
                progress(total)
    data = b"".join(chunks)
    if not data.strip():
        raise ImportProblem(path.name, ["the file is empty."], hint="export again; the export may have failed.")
    return data


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 (Excel's default in Western Europe)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:4096]:
        raise ImportProblem(name, ["the file is binary or UTF-16 text, not a CSV/JSON export."],
                            hint="export as CSV (UTF-8) or JSON; from Excel use 'CSV UTF-8'.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        guess = ""
        try:
            from charset_normalizer import from_bytes

            best = from_bytes(data[:200_000]).best()
            guess = f" It looks like {best.encoding}." if best else ""
        except Exception:  # the hint is optional
            pass
        raise ImportProblem(name, [f"the text encoding is neither UTF-8 nor Windows-1252 (byte {exc.start}).{guess}"],
                            hint="save the file as UTF-8 (in Excel: 'CSV UTF-8') and import again.") from None


def read_csv(text: str, name: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, row) pairs; a truncated file (open quote at the end) is an error."""
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        first = next(reader, None)
        if first is None:
            raise ImportProblem(name, ["the file is empty."], hint="export again; the export may have failed.")
        header = [h.strip() for h in first]
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            if any(cell.strip() for cell in row):
                rows.append((line, row))
    except csv.Error as exc:
        where = reader.line_num
        hint = ("the file seems cut off in the middle of a quoted value: export it again."
                if "EOF" in str(exc) or "end of data" in str(exc) else "check the quoting on that line.")
        raise ImportProblem(name, [f"line {where}: not valid CSV ({exc})."], hint=hint) from None
    if not header or not any(header):
        raise ImportProblem(name, ["the first line (the header) is empty."], hint="export with a header row.")
    return header, rows


def columns(header: list[str]) -> dict[str, list[int]]:
    """Column name -> every index it appears at (Jira repeats Labels, Component/s, link columns)."""
    out: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        out.setdefault(h, []).append(i)
    return out


def require_columns(cols: dict[str, list[int]], required: list[str], name: str, what: str) -> None:
    missing = [c for c in required if c not in cols]
    if not missing:
        return
    found = list(cols)
    hints = []
    for m in missing:
        close = difflib.get_close_matches(m, found, n=1, cutoff=0.6)
        if close:
            hints.append(f"'{close[0]}' looks like '{m}'")
    raise ImportProblem(
        name, [f"missing column(s) {', '.join(repr(m) for m in missing)} for a {what}; found: "
               f"{', '.join(repr(f) for f in found[:30])}."],
        hint=("; ".join(hints) + " — rename it, or import with --format csv and a column mapping.") if hints else
        f"is this a {what}? Otherwise import with --format csv and a column mapping.")


DATE_FORMATS = ["%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M",
                "%m/%d/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%d.%m.%Y"]


def parse_date(value: str) -> datetime | None:
    """A timezone-aware datetime (UTC when the export gives no zone), or None for an empty cell."""
    v = value.strip()
    if not v:
        return None
    iso = v.replace("Z", "+00:00")
    if re.match(r"^\d{4}-\d{2}-\d{2}T", iso):
        try:
            d = datetime.fromisoformat(iso)
            return d if d.tzinfo else d.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(v, fmt).replace(tzinfo=timezone.utc)
        except ValueError:
            continue
    raise ValueError(v)


def date_problem(line: int, column: str, value: str) -> str:
    return (f"line {line}, column '{column}': cannot read the date {value!r} (expected e.g. 12/Mar/24 9:15 AM, "
            "3/12/2024 9:15 AM, 2024-03-12 or 2024-03-12T09:15:00Z).")
