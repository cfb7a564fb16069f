"""Reading an export safely, before any importer looks at its content.

- **Size**: the file is streamed in 1 MB chunks and refused as soon as it passes the limit (50 MB unless told
  otherwise), so a wrong file never fills the memory of a shared hub.
- **Encoding**: UTF-8 (with or without BOM, UTF-16 with BOM), then Windows-1252 (what Excel writes in Western
  Europe), then whatever charset-normalizer recognises; text that still holds control characters is refused as
  binary rather than imported as mojibake.
- **CSV**: Jira repeats column names (``Labels`` three times), so a :class:`Table` maps each name to every position
  it has, and a column may go by several names (``Issue key`` in Jira Cloud, ``Key`` in Jira Server 6). German Excel
  writes ``;`` as the separator: the header line decides. A file that ends inside a quoted value was cut off, and
  says so. Missing columns are named, with the columns found and a "did you mean" for near misses.
- **What is not a row**: rows with no value (blank lines, or bare separators ``,,,,`` as Jira Cloud pads its export
  with), lines above the header (a title, "Displaying 153 issues at …") and Jira's closing line ``Generated at … using
  JIRA 6.2`` are left out — and counted in :attr:`Table.notes`, so nothing disappears without a word.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from shiplab.data.errors import ImportProblem, ProblemList

DEFAULT_LIMIT = 50 * 1024 * 1024
CHUNK = 1024 * 1024
csv.field_size_limit(16 * 1024 * 1024)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
EXPORT_AGAIN = "export it again; the export may have failed or been cut off."


def read_bytes(path: str | Path, limit: int = DEFAULT_LIMIT, progress=None) -> bytes:
    """The file's bytes, read in chunks; a file over ``limit`` is refused before it is loaded whole."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem("the file does not exist (or is a folder).", file=str(path), hint="check the path.")
    chunks, total = [], 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise ImportProblem(f"the file is larger than the import limit of {_mb(limit)}.", file=str(path),
                                    hint="export fewer items (one project, or a date range), or raise the limit "
                                         "(`--max-mb`, or `limit=` in load_backlog).")
            chunks.append(chunk)
            if progress:
                progress(total)
    data = b"".join(chunks)
    if not data.strip():
        raise ImportProblem("the file is empty.", file=str(path), hint=EXPORT_AGAIN)
    return data


def _mb(n: int) -> str:
    return f"{round(n / 1024 / 1024, 2):g} MB"


def decode(data: bytes, file: str) -> str:
    """Text from bytes: UTF-8 (BOM or not), UTF-16 with BOM, Windows-1252, then charset-normalizer's best guess."""
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data[:65536]:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            text = _guess(data)
    if text is None or len(_CONTROL.findall(sample := text[:200_000])) > len(sample) // 200:  # > 0.5 %: binary
        raise ImportProblem("cannot tell the text encoding: the file is binary, or in an encoding that is neither "
                            "UTF-8 nor Windows-1252.", file=file,
                            hint="save it as UTF-8 (in Excel: 'CSV UTF-8 (comma delimited)') and import again.")
    return text


def _guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    if best is None or best.chaos > 0.2:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    return text if _one_alphabet(text) else None


def _one_alphabet(text: str) -> bool:
    """Do the non-ASCII characters read as letters of one alphabet (not a mix of scripts, i.e. mojibake)?"""
    scripts = Counter(unicodedata.name(ch, "?").split()[0] for ch in text if ord(ch) > 127 and ch.isalpha())
    others = sum(1 for ch in text if ord(ch) > 127 and not ch.isalpha() and ch not in "€–—“”‘’„…«»°§·")
    total = sum(scripts.values()) + others
    return total == 0 or scripts.most_common(1)[0][1] >= 0.9 * total if scripts else others == 0


@dataclass(frozen=True)
class Row:
    row: int  # spreadsheet row number: the header is row 1
    line: int  # physical line where the row starts
    cells: list[str]


@dataclass
class Table:
    """A CSV file: its header, every position of each column name, the non-blank rows, and notes on what was left
    out (blank rows, a preamble above the header, a tool's footer line)."""

    file: str
    header: list[str]
    rows: list[Row]
    notes: list[str] = None

    def __post_init__(self):
        self.notes = list(self.notes or [])
        self.positions: dict[str, list[int]] = {}
        for i, name in enumerate(self.header):
            self.positions.setdefault(_norm(name), []).append(i)

    def has(self, column: str) -> bool:
        return _norm(column) in self.positions

    def find(self, *names: str) -> str | None:
        """The first of ``names`` that is a column of this file (a column that goes by several names)."""
        return next((n for n in names if self.has(n)), None)

    def one(self, row: Row, column: str | None, strip: bool = True) -> str:
        """The first value of ``column`` in ``row`` ('' when the column is absent)."""
        idx = self.positions.get(_norm(column)) if column else None
        value = row.cells[idx[0]] if idx and idx[0] < len(row.cells) else ""
        return value.strip() if strip else value

    def many(self, row: Row, *columns: str | None) -> list[str]:
        """Every non-empty value of a repeated column (Jira's ``Labels``, ``Component/s``), over all its names."""
        idx = sorted({i for c in columns if c for i in self.positions.get(_norm(c), [])})
        return [row.cells[i].strip() for i in idx if i < len(row.cells) and row.cells[i].strip()]

    def values(self, column: str | None) -> list[str]:
        """Every row's first value of ``column`` (to choose a date style from the whole column)."""
        return [self.one(r, column) for r in self.rows] if column else []

    def require(self, columns: list, what: str) -> None:
        """Refuse a file that lacks any of ``columns``, naming what is missing, what was found, and near misses.

        A column given as a tuple of names is there when one of its names is (the first is the one named)."""
        missing = [c[0] if isinstance(c, tuple) else c for c in columns
                   if not (self.find(*c) if isinstance(c, tuple) else self.has(c))]
        if not missing:
            return
        found = [h for h in self.header if h.strip()]
        guesses = []
        for m in missing:
            # a longer name ending in the missing one is another field ('Parent summary' is not 'Summary')
            others = [_norm(f) for f in found if not _norm(f).endswith(" " + _norm(m))]
            close = difflib.get_close_matches(_norm(m), others, n=1, cutoff=0.6)
            if close:
                original = next(f for f in found if _norm(f) == close[0])
                guesses.append(f"did you mean {original!r} for {m!r}?")
        raise ImportProblem(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} for a {what}; "
            f"found {', '.join(repr(f) for f in found[:25])}{' …' if len(found) > 25 else ''}.", file=self.file,
            hint=(" ".join(guesses) + " Rename the column, or import with --format csv and a column mapping.")
            if guesses else f"is this a {what}? If not, import it with --format csv and a column mapping.")

    def check_widths(self, problems: ProblemList) -> list[Row]:
        """Rows with as many values as the header has columns; the others become problems.

        Cells past the header that are empty are not a problem: Excel and Jira pad rows with trailing separators."""
        good = []
        for r in self.rows:
            if len(r.cells) > len(self.header) and not any(c.strip() for c in r.cells[len(self.header):]):
                r = Row(r.row, r.line, r.cells[:len(self.header)])
            if len(r.cells) == len(self.header):
                good.append(r)
            else:
                why = ("fewer — a row cut off or split" if len(r.cells) < len(self.header)
                       else "more — probably a separator inside a value that is not in quotes")
                problems.add(f"{len(r.cells)} values for {len(self.header)} columns ({why}).", row=r.row, line=r.line)
        return good


def _norm(name: str) -> str:
    return " ".join(name.split()).lower()


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


FOOTER = re.compile(r"(?i)^\s*generated at\b.*\b(?:jira|atlassian)\b")
PREAMBLE_ROWS = 10


def read_table(text: str, file: str, is_header=None) -> Table:
    """Parse CSV text into a :class:`Table`; broken quoting and a file cut off inside a quote are errors.

    ``is_header(cells)`` finds the header among the first rows when a preamble (a title, "Displaying 153 issues at
    …") stands above it; without it, or when no row of the first ten passes it, the first line is the header."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportProblem("the file is empty.", file=file, hint=EXPORT_AGAIN)
    first_lines = text.split("\n", PREAMBLE_ROWS + 1)[:PREAMBLE_ROWS]
    header_line = first_lines[0]
    if is_header is not None:
        header_line = next((ln for ln in first_lines if is_header(_quick_cells(ln))), header_line)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(header_line), strict=True)
    records: list[Row] = []  # every record: spreadsheet row number (first line = 1), first physical line, cells
    start = 1
    try:
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            records.append(Row(len(records) + 1, start, cells))
    except csv.Error as exc:
        if "end of data" in str(exc) or "EOF" in str(exc):
            raise ImportProblem("the file ends inside a quoted value, so it looks cut off (truncated).", file=file,
                                line=start, hint=EXPORT_AGAIN) from None
        raise ImportProblem(f"not valid CSV ({exc}).", file=file, line=reader.line_num,
                            hint="a value that holds the separator, a quote or a line break must be in double "
                                 "quotes, with quotes inside it doubled (\"\").") from None
    at = 0
    if is_header is not None:
        at = next((i for i, r in enumerate(records[:PREAMBLE_ROWS]) if is_header(r.cells)), 0)
    notes: list[str] = []
    if at:
        above = " / ".join(" ".join(c.strip() for c in r.cells if c.strip())[:60] for r in records[:at])
        notes.append(f"{at} line{'s' if at > 1 else ''} above the header left out ({above}).")
    header = [h.strip() for h in records[at].cells] if records else []
    while len(header) > 1 and not header[-1]:  # trailing empty column names: padding, not columns
        header.pop()
    if not any(header):
        raise ImportProblem("the first line (the header with the column names) is empty.", file=file, line=1,
                            hint="export with a header row.")
    rows = [r for r in records[at + 1:] if any(c.strip() for c in r.cells)]
    blank = len(records) - at - 1 - len(rows)
    if rows and FOOTER.match(next(c for c in rows[-1].cells if c.strip())):
        footer = rows.pop()
        notes.append(f"row {footer.row}: the export's closing line ({' '.join(footer.cells).strip()[:70]!r}) is not "
                     "an item; left out.")
    if blank:
        notes.append(f"{blank} blank row{'s' if blank > 1 else ''} (no value in any column) left out.")
    return Table(file, header, rows, notes)


def _quick_cells(line: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=_delimiter(line)))
    except (csv.Error, StopIteration):
        return []


def require_items(items: list, file: str, what: str = "items") -> None:
    if not items:
        raise ImportProblem(f"the file holds no {what}.", file=file,
                            hint="check the filter or query the export was made with, and export again.")


def require_unique_keys(items, problems: ProblemList, label: str = "key") -> None:
    """Every key once; a repeat names both rows."""
    first: dict[str, int | None] = {}
    for it in items:
        p = it.provenance
        if it.key in first:
            problems.add(f"duplicate {label} {it.key!r}: also in {problems.unit} {first[it.key]}.",
                         row=p.row, line=p.line, hint=f"each {label} once: remove or renumber the repeat.")
        else:
            first[it.key] = p.row
