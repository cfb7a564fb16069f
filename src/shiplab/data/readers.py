"""Reading an export safely, before any importer looks at its content.

- **Size**: the file is streamed in 1 MB chunks and refused as soon as it passes the limit (50 MB unless told
  otherwise), so a wrong file never fills the memory of a shared hub.
- **Encoding**: UTF-8 (with or without BOM, UTF-16 with BOM), then Windows-1252 (what Excel writes in Western
  Europe), then whatever charset-normalizer recognises; text that still holds control characters is refused as
  binary rather than imported as mojibake.
- **CSV**: Jira repeats column names (``Labels`` three times), so a :class:`Table` maps each name to every position
  it has. German Excel writes ``;`` as the separator: the header line decides. A file that ends inside a quoted value
  was cut off, and says so. Missing columns are named, with the columns found and a "did you mean" for near misses.
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
    """A CSV file: its header, every position of each column name, and the non-blank rows."""

    file: str
    header: list[str]
    rows: list[Row]

    def __post_init__(self):
        self.positions: dict[str, list[int]] = {}
        for i, name in enumerate(self.header):
            self.positions.setdefault(_norm(name), []).append(i)

    def has(self, column: str) -> bool:
        return _norm(column) in self.positions

    def one(self, row: Row, column: str, strip: bool = True) -> str:
        """The first value of ``column`` in ``row`` ('' when the column is absent)."""
        idx = self.positions.get(_norm(column))
        value = row.cells[idx[0]] if idx and idx[0] < len(row.cells) else ""
        return value.strip() if strip else value

    def many(self, row: Row, column: str) -> list[str]:
        """Every non-empty value of a repeated column (Jira's ``Labels``, ``Component/s``)."""
        return [row.cells[i].strip() for i in self.positions.get(_norm(column), [])
                if i < len(row.cells) and row.cells[i].strip()]

    def require(self, columns: list[str], what: str) -> None:
        """Refuse a file that lacks any of ``columns``, naming what is missing, what was found, and near misses."""
        missing = [c for c in columns if not self.has(c)]
        if not missing:
            return
        found = [h for h in self.header if h.strip()]
        guesses = []
        for m in missing:
            close = difflib.get_close_matches(_norm(m), [_norm(f) for f in found], n=1, cutoff=0.6)
            if close:
                original = next(f for f in found if _norm(f) == close[0])
                guesses.append(f"did you mean {original!r} for {m!r}?")
        raise ImportProblem(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} for a {what}; "
            f"found {', '.join(repr(f) for f in found[:25])}{' …' if len(found) > 25 else ''}.", file=self.file,
            hint=(" ".join(guesses) + " Rename the column, or import with --format csv and a column mapping.")
            if guesses else f"is this a {what}? If not, import it with --format csv and a column mapping.")

    def check_widths(self, problems: ProblemList) -> list[Row]:
        """Rows with as many values as the header has columns; the others become problems."""
        good = []
        for r in self.rows:
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


def read_table(text: str, file: str) -> Table:
    """Parse CSV text into a :class:`Table`; broken quoting and a file cut off inside a quote are errors."""
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ImportProblem("the file is empty.", file=file, hint=EXPORT_AGAIN)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text.split("\n", 1)[0]), strict=True)
    rows: list[Row] = []
    start = 1
    try:
        header = next(reader)
        n = 1
        while True:
            start = reader.line_num + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            n += 1
            if any(c.strip() for c in cells):
                rows.append(Row(n, start, cells))
    except csv.Error as exc:
        if "end of data" in str(exc) or "EOF" in str(exc):
            raise ImportProblem("the file ends inside a quoted value, so it looks cut off (truncated).", file=file,
                                line=start, hint=EXPORT_AGAIN) from None
        raise ImportProblem(f"not valid CSV ({exc}).", file=file, line=reader.line_num,
                            hint="a value that holds the separator, a quote or a line break must be in double "
                                 "quotes, with quotes inside it doubled (\"\").") from None
    header = [h.strip() for h in header]
    if not any(header):
        raise ImportProblem("the first line (the header with the column names) is empty.", file=file, line=1,
                            hint="export with a header row.")
    return Table(file, header, rows)


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
                         row=p.row, line=p.line)
        else:
            first[it.key] = p.row
