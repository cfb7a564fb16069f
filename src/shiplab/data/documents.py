"""A tree of documents — Markdown (YAML front matter), reStructuredText, text, HTML, PDF, DOCX — into
:class:`Document` records, taken as it is: nested folders and all.

**Ids are relative paths** without the extension, with ``/`` between folders: ``claims-guideline`` at the top,
``topic/index`` and ``howto/index`` below — so the seven ``index.md`` of a documentation tree are seven documents.
When two files differ only in their extension (``guide.md`` and its export ``guide.pdf``), both keep it in their
id (``guide.md``, ``guide.pdf``). ``provenance.source`` is the relative path with the extension.

**Sections** are the headings with the text under them (Markdown ``#`` lines, reST titles underlined with ``===``,
``---``, …, HTML ``<h1>``–``<h6>``, DOCX "Heading"/"Title" paragraph styles; PDF and text files have none).
Metadata comes from where each format keeps it: Markdown front matter (``title``, ``doc_type``,
``classification``), HTML ``<title>`` and ``<meta name=…>``, PDF metadata (``classification: …`` in the subject),
DOCX core properties (title, category = doc_type, ``classification:…`` in the keywords).

**What is not a document is left out, with a note** (:func:`not_a_document`): files of other types (images, code,
styles, ``conf.py``, ``Makefile``), hidden files and folders (``.git/``, ``.DS_Store``), build and static folders
(``_build/``, ``_static/``, ``node_modules/``), and pip's ``requirements*.txt``/``constraints*.txt``, which are
package lists even where they sit beside a ``requirements.md`` that *is* a document. Every other ``.txt`` is a
document.

A folder imports all-or-nothing like a backlog: every document is read first and every unreadable one is named in one
:class:`ImportProblem` — unless ``skip_bad=True``, which imports the rest and returns the problems.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from shiplab.data.errors import ImportProblem, ProblemList
from shiplab.data.model import CLASSES, Document, Provenance
from shiplab.data.readers import DEFAULT_LIMIT, decode, read_bytes

FORMATS = {".md": "md", ".markdown": "md", ".rst": "rst", ".txt": "txt", ".html": "html", ".htm": "html",
           ".pdf": "pdf", ".docx": "docx"}
SKIP_FOLDERS = frozenset({"_build", "_static", "_templates", "node_modules", "__pycache__", "site-packages", "venv"})
TOOL_FILES = re.compile(r"(?i)^(?:requirements|constraints)(?:[-_.][\w.-]*)?\.txt$|^(?:robots|cmakelists)\.txt$")


def _front_matter(text: str, name: str = "") -> tuple[dict, str]:
    m = re.match(r"^---\s*\n(.*?)\n---\s*\n", text, re.S)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        raise ImportProblem(f"the front matter between the --- lines is not valid YAML{where}.", file=name,
                            hint="put values that contain ':' in quotes, e.g. title: \"ADR 1: Event bus\".") from None
    return (meta if isinstance(meta, dict) else {}), text[m.end():]


_RST_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+<>_:.])\1{2,}\s*$")


def _rst_sections(body: str) -> list[tuple[str, str]]:
    """reST sections: a title line underlined (and maybe overlined) with a repeated punctuation character."""
    lines = body.splitlines()
    sections, heading, buf, i = [], "", [], 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        over = _RST_ADORNMENT.match(line) and i + 2 < len(lines) and _RST_ADORNMENT.match(lines[i + 2]) \
            and lines[i + 1].strip() and len(line.strip()) >= len(lines[i + 1].strip())
        under = line.strip() and not _RST_ADORNMENT.match(line) and _RST_ADORNMENT.match(nxt) \
            and len(nxt.strip()) >= len(line.strip())
        if over or under:
            if "".join(buf).strip():
                sections.append((heading, "\n".join(buf).strip()))
            heading, buf = (lines[i + 1] if over else line).strip(), []
            i += 3 if over else 2
            continue
        buf.append(line)
        i += 1
    if "".join(buf).strip():
        sections.append((heading, "\n".join(buf).strip()))
    return sections


def _md_sections(body: str) -> list[tuple[str, str]]:
    """Markdown sections: ``#`` headings and the text under them; ``#`` lines inside fenced code are code."""
    sections, heading, buf, fence = [], "", [], None
    for line in body.splitlines():
        opener = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and opener:
            fence = opener.group(1)[0] * len(opener.group(1))
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        m = re.match(r"^#{1,6}\s+(.*)", line) if fence is None and not opener else None
        if m:
            if buf and "".join(buf).strip():
                sections.append((heading, "\n".join(buf).strip()))
            heading, buf = m.group(1).strip(), []
        else:
            buf.append(line)
    if "".join(buf).strip():
        sections.append((heading, "\n".join(buf).strip()))
    return sections


def _md_title(body: str) -> str:
    """The first top-level heading (``# Title``), else the first heading of any level, outside fenced code."""
    fence, first = None, ""
    for line in body.splitlines():
        opener = re.match(r"^\s*(`{3,}|~{3,})", line)
        if fence is None and opener:
            fence = opener.group(1)[0] * len(opener.group(1))
            continue
        if fence is not None:
            fence = None if line.strip().startswith(fence) else fence
            continue
        m = re.match(r"^(#{1,6})\s+(.*)", line)
        if m and len(m.group(1)) == 1:
            return m.group(2).strip()
        first = first or (m.group(2).strip() if m else "")
    return first


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "li", "br", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "pre"}

    def __init__(self):
        super().__init__()
        self.parts, self.sections, self.title, self.meta = [], [], "", {}
        self._skip = 0
        self._in_heading = self._in_title = False
        self._heading, self._section = "", []

    def handle_starttag(self, tag, attrs):
        if tag == "meta":
            a = dict(attrs)
            if a.get("name") in ("classification", "doc_type") and a.get("content"):
                self.meta[a["name"]] = a["content"]
        if tag in ("script", "style"):
            self._skip += 1
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self._in_heading, self._heading = True, ""
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._in_heading = False
        if tag == "title":
            self._in_title = False
        if tag in self.BLOCK:
            self.parts.append("\n")
            self._section.append("\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_title:
            self.title += data
            return
        self.parts.append(data)
        if self._in_heading:
            self._heading += data
        else:
            self._section.append(data)

    def _flush(self):
        text = re.sub(r"\n\s*\n+", "\n", "".join(self._section)).strip()
        if text:
            self.sections.append((self._heading.strip(), text))
        self._section = []

    def close(self):
        super().close()
        self._flush()


def _tagged(text: str) -> dict:
    """Metadata in a PDF subject or DOCX keywords: ``policy_wording; classification: public`` — ``key: value``
    parts (``classification``, ``doc_type``), and a lone word taken as the doc_type."""
    meta = {}
    for part in re.split(r"[;,]", text):
        key, sep, value = (x.strip() for x in part.partition(":"))
        if sep and key.lower() in ("classification", "doc_type") and value:
            meta[key.lower()] = value
        elif not sep and re.fullmatch(r"[a-z][a-z0-9_]*", key):
            meta.setdefault("doc_type", key)
    return meta


def _clean(text: str) -> str:
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def not_a_document(rel: Path) -> str | None:
    """Why the file at relative path ``rel`` is not a document (None when it is one)."""
    if any(part.startswith(".") for part in rel.parts):
        return "hidden"
    if any(part in SKIP_FOLDERS for part in rel.parts[:-1]):
        return "a build or static folder"
    if rel.suffix.lower() not in FORMATS:
        return f"not a document type ({rel.suffix.lower() or rel.name})"
    if TOOL_FILES.match(rel.name):
        return "a tool's file, not a document"
    return None


def read_document(path: Path, limit: int = DEFAULT_LIMIT, doc_id: str | None = None,
                  source: str | None = None) -> Document:
    """One document; ``doc_id`` and ``source`` default to the file's name without and with its extension."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportProblem(f"unsupported file type {path.suffix!r}.", file=path.name,
                            hint=f"supported: {', '.join(sorted(FORMATS))}.")
    meta: dict = {}
    sections: list[tuple[str, str]] = []
    data = read_bytes(path, limit)
    try:
        if fmt in ("md", "txt", "rst"):
            text = decode(data, path.name)
            if fmt == "md":
                meta, text = _front_matter(text, path.name)
                sections = _md_sections(text)
                meta.setdefault("title", _md_title(text))
            elif fmt == "rst":
                sections = _rst_sections(text)
        elif fmt == "html":
            parser = _HTMLText()
            parser.feed(decode(data, path.name))
            parser.close()
            text, sections = _clean("".join(parser.parts)), parser.sections
            meta.update(parser.meta, title=parser.title.strip())
        elif fmt == "pdf":
            import io

            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            text = "\n".join((page.extract_text() or "") for page in reader.pages)
            if reader.metadata and reader.metadata.title:
                meta["title"] = str(reader.metadata.title)
            meta.update(_tagged(str((reader.metadata or {}).get("/Subject", "") or "")))
        else:
            import io

            import docx

            d = docx.Document(io.BytesIO(data))
            lines, heading, buf = [], "", []
            for p in d.paragraphs:
                lines.append(p.text)
                if p.style is not None and p.style.name.lower().startswith(("heading", "title")):
                    if "".join(buf).strip():
                        sections.append((heading, "\n".join(buf).strip()))
                    heading, buf = p.text.strip(), []
                else:
                    buf.append(p.text)
            if "".join(buf).strip():
                sections.append((heading, "\n".join(buf).strip()))
            text = "\n".join(lines)
            if d.core_properties.title:
                meta["title"] = d.core_properties.title
            meta.update(_tagged(d.core_properties.keywords or ""))
            if d.core_properties.category:  # the category is the doc_type's proper place
                meta["doc_type"] = d.core_properties.category
    except ImportProblem:
        raise
    except Exception as exc:  # a corrupt PDF/DOCX raises many kinds of errors
        raise ImportProblem(f"cannot read this {fmt.upper()} file ({type(exc).__name__}: {exc}).", file=path.name,
                            hint="open it and save it again, or export it to PDF or Markdown.") from None
    if not text.strip():
        raise ImportProblem(f"no text found in this {fmt.upper()} file.", file=path.name,
                            hint="a scanned PDF needs OCR first; export the text version if there is one.")
    classification = str(meta.get("classification") or "internal").strip().lower()
    if classification not in CLASSES:
        raise ImportProblem(f"classification {classification!r} is not one of {', '.join(CLASSES)}.",
                            file=path.name, hint="set classification to one of those (front matter, <meta>, "
                                                 "PDF subject or DOCX keywords).")
    title = str(meta.get("title") or "") or next((h for h, _ in sections if h), doc_id or path.stem)
    return Document(id=doc_id or path.stem, title=title, text=text.strip(), format=fmt,
                    doc_type=str(meta.get("doc_type", "")), classification=classification, sections=sections,
                    provenance=Provenance(source or path.name, fmt))


def document_ids(paths: list[Path]) -> dict[Path, str]:
    """Each relative path's id: the path without its extension, or with it where two files would share one."""
    stem = {p: p.with_suffix("").as_posix() for p in paths}
    count: dict[str, int] = {}
    for s in stem.values():
        count[s] = count.get(s, 0) + 1
    return {p: (s if count[s] == 1 else p.as_posix()) for p, s in stem.items()}


def read_folder(folder: Path, *, skip_bad: bool = False, progress=None,
                limit: int = DEFAULT_LIMIT) -> tuple[list[Document], list[str], list[str]]:
    """Every document under ``folder`` (sorted by path), the problems (with ``skip_bad``), and the files left out as
    not documents (``"path: why"``); all problems together, or the readable documents with ``skip_bad``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImportProblem("not a folder.", file=str(folder), hint="give the folder that holds the documents.")
    paths, skipped = [], []
    for p in sorted(folder.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(folder)
        why = not_a_document(rel)
        if why:
            if not (why == "hidden" and any(part.startswith(".") for part in rel.parts[:-1])):
                skipped.append(f"{rel.as_posix()}: {why}")  # files inside .git/ and the like are not listed one by one
        else:
            paths.append(rel)
    if not paths:
        raise ImportProblem("the folder holds no documents.", file=str(folder),
                            hint=f"put {', '.join(sorted(FORMATS))} files in it"
                                 + (f" ({len(skipped)} other files were left out)." if skipped else "."))
    ids = document_ids(paths)
    docs, problems = [], ProblemList(str(folder), unit="file")
    for n, rel in enumerate(paths, start=1):
        try:
            docs.append(read_document(folder / rel, limit, ids[rel], rel.as_posix()))
        except ImportProblem as exc:
            problems.add(f"{rel.as_posix()}: {exc.reason}" + (f" ({exc.hint})" if exc.hint else ""))
        if progress:
            progress(n, len(paths))
    if not skip_bad:
        problems.raise_if_any(hint="fix or remove those files, or import with skip_bad=True (--skip-bad).")
    return docs, [str(p) for p in problems.items], skipped
