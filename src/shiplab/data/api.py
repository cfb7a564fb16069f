"""What labs and the CLI call: load a backlog (format detected), a folder of documents, the sample company, or the
export a participant dropped into ``~/backlog/``.

The format is told from the content, not the file name: JSON is GitHub's (or a shiplab ``.jsonl`` export), a CSV
header with ``Issue key`` is Jira's, one with ``Work Item Type`` is Azure DevOps', one starting ``key,summary,…`` is
a shiplab export; anything else needs ``format="csv"`` and a column mapping. Every record is classified
(:mod:`shiplab.data.classify`) unless ``classify=False``.

``progress(stage, done, total)`` is called while reading (bytes) and classifying (items), for a progress bar.
"""

from __future__ import annotations

import os
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shiplab.data import azure, github, jira, mapped_csv, normalized
from shiplab.data.classify import classify as classify_record
from shiplab.data.documents import read_folder
from shiplab.data.errors import ImportProblem
from shiplab.data.model import BacklogItem, Document
from shiplab.data.readers import DEFAULT_LIMIT, decode, read_bytes

FORMATS = ("auto", "jira", "github", "azure", "csv", "shiplab")
BACKLOG_SUFFIXES = (".csv", ".json", ".jsonl", ".tsv")
MAPPING_NAMES = ("mapping.yaml", "mapping.yml")


def detect_format(text: str, file: str) -> str:
    """``jira``, ``github``, ``azure`` or ``shiplab``, told from the content; an ImportProblem when it cannot."""
    if normalized.looks_like_jsonl(text):
        return "shiplab"
    if github.looks_like(text):
        return "github"
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    for name, module in (("shiplab", normalized), ("jira", jira), ("azure", azure)):
        test = module.looks_like_csv if module is normalized else module.looks_like
        if test(first):
            return name
    raise ImportProblem(f"cannot tell which tool exported this file (its first line is {first[:100]!r}).", file=file,
                        hint="name the format (--format jira|github|azure), or import it with --format csv and a "
                             "column mapping (key: ID, summary: Title, …).")


def _zone(tz):
    if tz in (None, "UTC", "utc"):
        return timezone.utc
    try:
        return ZoneInfo(tz) if isinstance(tz, str) else tz
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportProblem(f"unknown time zone {tz!r}.", file="(settings)",
                            hint="use a name such as Europe/Berlin or UTC.") from None


def load_backlog(path: str | os.PathLike, format: str = "auto", mapping: dict | str | os.PathLike | None = None,
                 progress=None, *, limit: int = DEFAULT_LIMIT, tz="UTC", classify: bool = True) -> list[BacklogItem]:
    """Every item in the export at ``path``, all or nothing (one ImportProblem lists everything wrong).

    ``mapping`` (a dict or a YAML file) is the column mapping for ``format="csv"``; giving one implies that format.
    ``tz`` is the zone of export times that carry none (Jira, Azure). ``limit`` caps the file size in bytes.
    """
    return read_backlog(path, format, mapping, progress, limit=limit, tz=tz, classify=classify)[0]


def read_backlog(path, format="auto", mapping=None, progress=None, *, limit=DEFAULT_LIMIT, tz="UTC",
                 classify=True) -> tuple[list[BacklogItem], str]:
    """:func:`load_backlog`, and the format it read."""
    if format not in FORMATS:
        raise ImportProblem(f"unknown format {format!r}.", file=str(path), hint=f"use one of {', '.join(FORMATS)}.")
    path = Path(path)
    if path.is_dir():
        raise ImportProblem("this is a folder, not an export file.", file=str(path),
                            hint="give the export file; for a folder of documents use load_documents (--format docs).")
    if mapping is not None and not isinstance(mapping, dict):
        mapping = mapped_csv.load_mapping(mapping)
    zone = _zone(tz)
    size = path.stat().st_size if path.is_file() else 0
    text = decode(read_bytes(path, limit, progress and (lambda n: progress("reading", n, size))), path.name)
    fmt = "csv" if format == "auto" and mapping else format
    fmt = detect_format(text, path.name) if fmt == "auto" else fmt
    if fmt == "csv":
        items = mapped_csv.parse(text, path.name, mapping, zone)
    elif fmt == "shiplab":
        items = normalized.parse(text, path.name)
    else:
        items = {"jira": jira.parse, "github": github.parse, "azure": azure.parse}[fmt](text, path.name, zone)
    if classify:
        for n, item in enumerate(items, start=1):
            classify_record(item)
            if progress and (n % 100 == 0 or n == len(items)):
                progress("classifying", n, len(items))
    return items, fmt


def load_documents(folder: str | os.PathLike, progress=None, *, skip_bad: bool = False,
                   classify: bool = True) -> list[Document]:
    """Every document in ``folder`` (md, txt, html, pdf, docx), all or nothing unless ``skip_bad``."""
    report = progress and (lambda n, total: progress("reading", n, total))
    docs, _ = read_folder(Path(folder), skip_bad=skip_bad, progress=report)
    if classify:
        for d in docs:
            classify_record(d)
    return docs


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


def find_user_backlog(home: str | os.PathLike | None = None, **kwargs) -> list[BacklogItem] | None:
    """The export a participant dropped into ``~/backlog/`` (the newest file there), imported; None when there is none.

    The format is detected; a plain CSV is read with ``~/backlog/mapping.yaml`` when that file exists.
    """
    folder = Path(home if home is not None else Path.home()) / "backlog"
    if not folder.is_dir():
        return None
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in BACKLOG_SUFFIXES
             and not p.name.startswith(".")]
    if not files:
        return None
    newest = max(files, key=lambda p: (p.stat().st_mtime, p.name))
    mapping_file = next((folder / n for n in MAPPING_NAMES if (folder / n).is_file()), None)
    try:
        return load_backlog(newest, **kwargs)
    except ImportProblem as exc:
        if not exc.reason.startswith("cannot tell which tool") or kwargs.get("mapping"):
            raise
        if mapping_file is None:
            raise ImportProblem(exc.reason, file=str(newest),
                                hint=f"if it is a Jira, GitHub or Azure DevOps export, export it again unchanged; "
                                     f"otherwise put a column mapping in {folder / 'mapping.yaml'} "
                                     "(lines like 'key: ID' and 'summary: Title').") from None
    return load_backlog(newest, "csv", mapping_file, **kwargs)
