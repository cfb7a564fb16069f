"""What labs and the CLI call: load a backlog (format detected), the sample company, or a participant's own export."""

from __future__ import annotations

import os
from pathlib import Path

from shiplab.data import importers
from shiplab.data.classify import classify
from shiplab.data.documents import read_folder
from shiplab.data.errors import ImportProblem
from shiplab.data.model import BacklogItem, Document
from shiplab.data.readers import DEFAULT_LIMIT, decode, read_bytes

FORMATS = ("auto", "jira", "github", "azure", "csv")


def datasets_dir() -> Path:
    env = os.environ.get("SHIPLAB_DATASETS")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "datasets"


def detect_format(text: str, name: str) -> str:
    head = text.lstrip()[:4096]
    if head.startswith(("[", "{")):
        return "github"
    first = head.splitlines()[0] if head else ""
    low = first.lower()
    if "issue key" in low and "summary" in low:
        return "jira"
    if "work item type" in low:
        return "azure"
    raise ImportProblem(name, [f"cannot tell which tool exported this file (header: {first[:120]!r})."],
                        hint="name the format (--format jira|github|azure), or --format csv with a column mapping "
                             "such as key=ID,summary=Title.")


def load_backlog(path: str | os.PathLike, format: str = "auto", mapping: dict[str, str] | None = None,
                 limit: int = DEFAULT_LIMIT, progress=None, classify_items: bool = True) -> list[BacklogItem]:
    """Import an export into BacklogItems (all or nothing). ``progress(bytes_read)`` is called while reading."""
    if format not in FORMATS:
        raise ImportProblem(str(path), [f"unknown format {format!r}."], hint=f"use one of {', '.join(FORMATS)}.")
    path = Path(path)
    text = decode(read_bytes(path, limit, progress), path.name)
    fmt = detect_format(text, path.name) if format == "auto" else format
    if fmt == "csv":
        if not mapping:
            raise ImportProblem(path.name, ["--format csv needs a column mapping."],
                                hint="e.g. key=ID,summary=Title,description=Body,created=Opened.")
        items = importers.mapped_csv(text, path.name, mapping)
    else:
        items = {"jira": importers.jira, "github": importers.github, "azure": importers.azure}[fmt](text, path.name)
    if classify_items:
        for it in items:
            classify(it)
    return items


def load_documents(folder: str | os.PathLike, skip_bad: bool = False, progress=None) -> list[Document]:
    docs, _ = read_folder(Path(folder), skip_bad=skip_bad, progress=progress)
    for d in docs:
        classify(d)
    return docs


def load_sample_backlog() -> list[BacklogItem]:
    """The sample company's Jira backlog (1,100 items)."""
    return load_backlog(datasets_dir() / "backlog" / "nordlicht_jira.csv", "jira")


def load_sample_documents() -> list[Document]:
    return load_documents(datasets_dir() / "documents")


def find_user_backlog(home: Path | None = None) -> Path | None:
    """The export a participant dropped into ``~/backlog/`` (the newest one), or None."""
    folder = (home or Path.home()) / "backlog"
    if not folder.is_dir():
        return None
    candidates = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".csv", ".json")]
    return max(candidates, key=lambda p: (p.stat().st_mtime, p.name)) if candidates else None
