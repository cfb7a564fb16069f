"""What labs and the CLI call: load a backlog (format detected), a folder of documents, the sample company, or the
export a participant dropped into ``~/backlog/``.

The format is told from the content, not the file name: JSON is GitHub's (or a shiplab ``.jsonl`` export), a CSV
header with ``Issue key`` (or ``Key``) and ``Summary`` is Jira's — also below a few title lines —, one with ``Work
Item Type`` is Azure DevOps', one starting ``key,summary,…`` is a shiplab export; anything else needs
``format="csv"`` and a column mapping. Every record is classified (:mod:`shiplab.data.classify`) unless
``classify=False``.

Two ways to meet a bad row. :func:`load_backlog` and the sample loaders are strict — the graded path: one bad row
refuses the file, naming every problem. :func:`find_user_backlog` — a participant exploring their own export —
leaves bad rows out instead (``skip_bad=True``), warns with each one's row, column, value and how to fix it, and keeps
them on the result (:class:`Backlog` ``.skipped``), so one bad date never hides a whole export. Either way the result
says what else was not imported and why (``.notes``: blank rows, a footer line, pull requests).

``progress(stage, done, total)`` is called while reading (bytes) and classifying (items), for a progress bar.
"""

from __future__ import annotations

import os
import warnings
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shiplab.data import azure, github, jira, mapped_csv, normalized
from shiplab.data.classify import classify as classify_record
from shiplab.data.documents import read_folder
from shiplab.data.errors import ImportProblem, Problem
from shiplab.data.model import BacklogItem, Document
from shiplab.data.options import ReadOptions, ReadResult
from shiplab.data.readers import DEFAULT_LIMIT, decode, read_bytes
from shiplab.footprint import release_freed_memory

FORMATS = ("auto", "jira", "github", "azure", "csv", "shiplab")
BACKLOG_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".tsv")
MAPPING_NAMES = ("mapping.yaml", "mapping.yml")
SPREADSHEETS = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers")


class Backlog(list):
    """The imported items (a plain list of :class:`BacklogItem`), with what did not become one.

    ``skipped``: the problems of the rows left out (``skip_bad``); ``notes``: everything else not imported or read by
    a guess, and why; ``format`` and ``source``: what was read.
    """

    def __init__(self, items=(), *, skipped=(), notes=(), format: str = "", source: str = ""):
        super().__init__(items)
        self.skipped: list[Problem] = list(skipped)
        self.notes: list[str] = list(notes)
        self.format, self.source = format, source

    def report(self) -> str:
        """A few lines for a person: what was imported, what was left out and why."""
        lines = [f"{len(self)} items from {self.source} ({self.format})."]
        if self.skipped:
            rows = len({p.row for p in self.skipped})
            lines.append(f"{rows} row{'s' if rows > 1 else ''} left out because of a problem:")
            lines += [f"  - {p.advice()}" for p in self.skipped[:10]]
            if len(self.skipped) > 10:
                lines.append(f"  … and {len(self.skipped) - 10} more")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)


class SkippedRows(UserWarning):
    """Rows of a participant's export were left out; the message lists them with how to fix each."""


def detect_format(text: str, file: str) -> str:
    """``jira``, ``github``, ``azure`` or ``shiplab``, told from the content; an ImportProblem when it cannot."""
    if normalized.looks_like_jsonl(text):
        return "shiplab"
    if github.looks_like(text):
        return "github"
    lines = text.lstrip("\ufeff").split("\n", 11)
    first = lines[0]
    if normalized.looks_like_csv(first):
        return "shiplab"
    for line in lines[:10]:  # Jira Server's export may have a title and a "Displaying N issues" line on top
        for name, module in (("jira", jira), ("azure", azure)):
            if module.looks_like(line):
                return name
    if jira.telltale(first):
        raise ImportProblem(
            "a Jira export whose column names shiplab does not know — a UI language it does not read (it reads "
            f"English, {', '.join(jira.LOCALIZED)}) or renamed columns: its first line is {first[:100]!r}.", file=file,
            hint="say which column is which in a mapping file (~/backlog/mapping.yaml, or --format csv --mapping "
                 "FILE), one line per field with the column's name as the file has it:\n" + jira.MAPPING_EXAMPLE)
    raise ImportProblem(f"cannot tell which tool exported this file (its first line is {first[:100]!r}).", file=file,
                        hint="name the format (--format jira|github|azure), or import it with --format csv and a "
                             "column mapping (key: ID, summary: Title, …).")


def _time_travel(items) -> list[str]:
    """A note naming the items resolved before they were created (negative durations skew every median)."""
    bad = [it.key for it in items if it.created and it.resolved and it.resolved < it.created]
    if not bad:
        return []
    shown = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
    return [f"{len(bad)} item{'s' if len(bad) > 1 else ''} resolved before {'they were' if len(bad) > 1 else 'it was'}"
            f" created ({shown}): check the created/resolved columns (swapped, or another date format?)."]


def _zone(tz):
    if tz in (None, "UTC", "utc"):
        return timezone.utc
    try:
        return ZoneInfo(tz) if isinstance(tz, str) else tz
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportProblem(f"unknown time zone {tz!r}.", file="(settings)",
                            hint="use a name such as Europe/Berlin or UTC.") from None


def load_backlog(path: str | os.PathLike, format: str = "auto", mapping: dict | str | os.PathLike | None = None,
                 progress=None, *, limit: int = DEFAULT_LIMIT, tz="UTC", classify: bool = True,
                 date_format: str | None = None, locale: str | None = None, skip_bad: bool = False) -> Backlog:
    """Every item in the export at ``path``: all or nothing (one ImportProblem lists everything wrong), or with
    ``skip_bad`` the good rows, the bad ones on ``.skipped``.

    ``mapping`` (a dict or a YAML file) is the column mapping for ``format="csv"``; giving one implies that format,
    and its ``date_format``/``locale``/``tz`` keys are reading options. ``tz`` is the zone of export times that carry
    none (Jira, Azure); ``date_format`` (``%d/%m/%Y %H:%M`` or ``dd/MM/yyyy HH:mm``) and ``locale`` (``de``, ``fr``, …)
    say how dates are written when the column alone cannot tell. ``limit`` caps the file size in bytes.
    """
    return read_backlog(path, format, mapping, progress, limit=limit, tz=tz, classify=classify,
                        date_format=date_format, locale=locale, skip_bad=skip_bad)[0]


def read_backlog(path, format="auto", mapping=None, progress=None, *, limit=DEFAULT_LIMIT, tz="UTC",
                 classify=True, date_format=None, locale=None, skip_bad=False) -> tuple[Backlog, str]:
    """:func:`load_backlog`, and the format it read."""
    if format not in FORMATS:
        raise ImportProblem(f"unknown format {format!r}.", file=str(path), hint=f"use one of {', '.join(FORMATS)}.")
    path = Path(path)
    if path.is_dir():
        raise ImportProblem("this is a folder, not an export file.", file=str(path),
                            hint="give the export file; for a folder of documents use load_documents (--format docs).")
    if mapping is not None and not isinstance(mapping, dict):
        mapping = mapped_csv.load_mapping(mapping)
    columns, given = mapped_csv.split_options(mapping or {})
    options = ReadOptions(tz=_zone(tz if tz not in (None, "UTC") else given.get("tz", tz)),
                          date_format=date_format or given.get("date_format"), locale=locale or given.get("locale"),
                          skip_bad=skip_bad)
    size = path.stat().st_size if path.is_file() else 0
    text = decode(read_bytes(path, limit, progress and (lambda n: progress("reading", n, size))), path.name)
    fmt = "csv" if format == "auto" and columns else format
    fmt = detect_format(text, path.name) if fmt == "auto" else fmt
    if fmt == "csv":
        result = mapped_csv.read(text, path.name, mapping, options)
    elif fmt == "shiplab":
        result = ReadResult(normalized.parse(text, path.name))
    else:
        result = {"jira": jira.read, "github": github.read, "azure": azure.read}[fmt](text, path.name, options)
    items = Backlog(result.items, skipped=result.skipped, notes=result.notes + _time_travel(result.items),
                    format=fmt, source=str(path))
    if classify:
        for n, item in enumerate(items, start=1):
            classify_record(item)
            if progress and (n % 100 == 0 or n == len(items)):
                progress("classifying", n, len(items))
    return items, fmt


class Documents(list):
    """The imported documents (a plain list of :class:`Document`), with the files that are not among them and why:
    ``skipped`` (files that are not documents: images, code, build files) and ``problems`` (unreadable documents,
    with ``skip_bad``)."""

    def __init__(self, docs=(), *, skipped=(), problems=()):
        super().__init__(docs)
        self.skipped: list[str] = list(skipped)
        self.problems: list[str] = list(problems)


def load_documents(folder: str | os.PathLike, progress=None, *, skip_bad: bool = False,
                   classify: bool = True, limit: int = DEFAULT_LIMIT) -> Documents:
    """Every document under ``folder`` (md, rst, txt, html, pdf, docx; nested folders too, ids from the relative
    path), all or nothing unless ``skip_bad``. Files that are not documents (other types, stubs, links that point
    out of the folder) are left out and listed on ``.skipped``; a file over ``limit`` bytes is a problem."""
    report = progress and (lambda n, total: progress("reading", n, total))
    docs, problems, skipped = read_folder(Path(folder), skip_bad=skip_bad, progress=report, limit=limit)
    if classify:
        for d in docs:
            classify_record(d)
    release_freed_memory()  # what parsing PDF, DOCX and HTML left behind (shiplab.footprint)
    return Documents(docs, skipped=skipped, problems=problems)


def datasets_dir() -> Path:
    """The sample company's ``datasets/``: ``$SHIPLAB_DATASETS``, else the repository the package runs from."""
    env = os.environ.get("SHIPLAB_DATASETS")
    if env:
        return Path(env)
    for base in (Path(__file__).resolve().parents[3], Path.cwd()):
        if (base / "datasets" / "backlog").is_dir():
            return base / "datasets"
    raise ImportProblem("cannot find the sample datasets.", file="datasets/",
                        hint="set SHIPLAB_DATASETS to the datasets/ folder of the shiplab repository.")


def load_sample_backlog(which: str = "jira") -> list[BacklogItem]:
    """The sample company's backlog: ``jira`` (1,100 items), ``github`` or ``azure`` (150 each)."""
    files = {"jira": "nordlicht_jira.csv", "github": "nordlicht_github_issues.json",
             "azure": "nordlicht_azure_devops.csv"}
    if which not in files:
        raise ImportProblem(f"no sample backlog called {which!r}.", file="datasets/backlog",
                            hint=f"use one of {', '.join(files)}.")
    return load_backlog(datasets_dir() / "backlog" / files[which], which)


def load_sample_documents() -> list[Document]:
    """The sample company's 42 documents."""
    return load_documents(datasets_dir() / "documents")


def find_user_backlog(home: str | os.PathLike | None = None, *, skip_bad: bool = True, **kwargs) -> Backlog | None:
    """The export a participant dropped into ``~/backlog/`` (the newest file there), imported; None when there is none.

    The format is detected; a plain CSV is read with ``~/backlog/mapping.yaml`` when that file exists, whose
    ``date_format``/``locale``/``tz`` keys apply to any format. Bad rows are left out and reported in a
    :class:`SkippedRows` warning (``skip_bad=False`` refuses the file instead); a file that cannot be read at all
    still raises :class:`ImportProblem`, naming it.
    """
    folder = Path(home if home is not None else Path.home()) / "backlog"
    if not folder.is_dir():
        return None
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in BACKLOG_SUFFIXES
             and not p.name.startswith(".")]
    if not files:
        sheets = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in SPREADSHEETS and p.is_file())
        if sheets:
            raise ImportProblem("a spreadsheet, not an export shiplab reads (CSV or JSON).",
                                file=str(folder / sheets[0]),
                                hint="open it and save it as CSV: in Excel 'Save As' → 'CSV UTF-8 (comma delimited)' "
                                     "(LibreOffice: 'Text CSV', UTF-8), then put the .csv in ~/backlog/.")
        return None
    newest = max(files, key=lambda p: (p.stat().st_mtime, p.name))
    others = sorted(p.name for p in files if p != newest)
    mapping_file = next((folder / n for n in MAPPING_NAMES if (folder / n).is_file()), None)
    options = {}
    if mapping_file is not None and not kwargs.get("mapping"):
        options = mapped_csv.split_options(mapped_csv.load_mapping(mapping_file))[1]
    for key, value in options.items():
        kwargs.setdefault(key, value)
    try:
        items = load_backlog(newest, skip_bad=skip_bad, **kwargs)
    except ImportProblem as exc:
        if not exc.reason.startswith(("cannot tell which tool", "a Jira export whose")) or kwargs.get("mapping"):
            raise
        if mapping_file is None or not mapped_csv.split_options(mapped_csv.load_mapping(mapping_file))[0]:
            if exc.reason.startswith("a Jira export whose"):
                raise
            raise ImportProblem(exc.reason, file=str(newest),
                                hint=f"if it is a Jira, GitHub or Azure DevOps export, export it again unchanged; "
                                     f"otherwise put a column mapping in {folder / 'mapping.yaml'} "
                                     "(lines like 'key: ID' and 'summary: Title').") from None
        items = load_backlog(newest, "csv", mapping_file, skip_bad=skip_bad, **kwargs)
    if others:
        items.notes.append(f"{len(files)} exports in {folder}: imported the newest, {newest.name}; not "
                           f"{', '.join(others)} (move the others away, or make the one you want the newest).")
    if items.skipped:
        warnings.warn(SkippedRows(items.report()), stacklevel=2)
    return items
