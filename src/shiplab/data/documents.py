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

**Stubs are left out with a note, not refused**: an empty file, a Markdown page that is only front matter (a
redirect page: ``template: redirect.html``), a reST page that only includes another file (``.. include::
../CHANGES.rst``), a file that is not text (a PNG named ``.md``). Markup is taken out of the text
(:mod:`~shiplab.data.doctext`): raw HTML and comments in Markdown, reST directives and roles. Links and sizes:
:mod:`~shiplab.data.doctree` (a link out of the folder is never read; each file is bounded by ``limit``).

A folder imports all-or-nothing like a backlog: every document is read first and every unreadable one is named in one
:class:`ImportProblem` — unless ``skip_bad=True``, which imports the rest and returns the problems.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import yaml

from shiplab.data import doctext, doctree
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


def _rst_sections(body: str, keep_empty: bool = False) -> list[tuple[str, str]]:
    """reST sections: a title line underlined (and maybe overlined) with a repeated punctuation character; with
    ``keep_empty`` a title with nothing under it before the next one is kept too (to find the document's title)."""
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
            if "".join(buf).strip() or (keep_empty and heading):
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
        if tag in ("script", "style", "nav", "footer", "template", "noscript"):
            self._skip += 1
        if tag in self.BLOCK:  # a block starts on its own line ("Blog" is not glued to the next heading)
            for parts in (self.parts, self._section):
                if parts and not parts[-1].rstrip(" \t").endswith("\n"):
                    parts.append("\n")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self._in_heading, self._heading = True, ""
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag in ("script", "style", "nav", "footer", "template", "noscript"):
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


class NotADocument(ImportProblem):
    """A file with a document's name that holds no document: empty, only front matter, only an include, not text.
    A folder leaves it out with a note (the reason) instead of refusing the whole tree."""


_MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"PK\x03\x04": "a ZIP archive (or an Office file)", b"%PDF": "a PDF", b"\x7fELF": "a program"}
PLACEHOLDER_TITLES = frozenset({"untitled", "untitled document", "document", "title", "(anonymous)", "anonymous"})


def read_document(path: Path, limit: int = DEFAULT_LIMIT, doc_id: str | None = None,
                  source: str | None = None) -> Document:
    """One document; ``doc_id`` and ``source`` default to the file's name without and with its extension."""
    path = Path(path)
    if FORMATS.get(path.suffix.lower()) is None:
        raise ImportProblem(f"unsupported file type {path.suffix!r}.", file=path.name,
                            hint=f"supported: {', '.join(sorted(FORMATS))}.")
    return parse_document(read_bytes(path, limit), path.name, doc_id, source)


def _text(data: bytes, name: str, fmt: str) -> str:
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise NotADocument(f"not text: {what} named .{fmt}.", file=name, hint="rename it, or leave it out.")
    try:
        return decode(data, name)
    except ImportProblem:
        raise ImportProblem("cannot read it as text: the file is binary, or in an encoding that is neither UTF-8 "
                            "nor Windows-1252.", file=name, hint="save it as UTF-8 text and import again.") from None


def _pdf_title(reader, text: str) -> str:
    title = str(reader.metadata.title).strip() if reader.metadata and reader.metadata.title else ""
    if title and title.lower() not in PLACEHOLDER_TITLES and not title.lower().startswith("microsoft word - "):
        return title
    return next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:120]


def _docx_blocks(d):
    """The body's paragraphs and tables in document order (python-docx lists them apart)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for el in d.element.body.iterchildren():
        if el.tag.endswith("}p"):
            yield Paragraph(el, d)
        elif el.tag.endswith("}tbl"):
            yield Table(el, d)


def _table_text(table) -> str:
    rows = []
    for row in table.rows:
        cells = list(dict.fromkeys(c._tc for c in row.cells))  # a merged cell is listed once per column it spans
        texts = [next(c for c in row.cells if c._tc is tc).text.strip() for tc in cells]
        rows.append(" | ".join(texts))
    return "\n".join(r for r in rows if r.strip(" |"))


def _pdf_parts(data: bytes) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """A PDF's text (its pages'), no sections, and its metadata (title, and the subject's tags)."""
    import io
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its own warnings are shiplab's message's business
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join((page.extract_text() or "") for page in reader.pages)
    meta = {"title": _pdf_title(reader, text)}
    meta.update(_tagged(str((reader.metadata or {}).get("/Subject", "") or "")))
    return text, [], meta


def _docx_parts(data: bytes) -> tuple[str, list[tuple[str, str]], dict[str, str]]:
    """A DOCX's text (paragraphs and tables in order), sections (by Heading/Title style) and core properties."""
    import io

    import docx

    d = docx.Document(io.BytesIO(data))
    lines, heading, buf, sections, meta = [], "", [], [], {}
    for block in _docx_blocks(d):
        if not hasattr(block, "style") or not hasattr(block, "runs"):  # a table: its rows, cells by " | "
            t = _table_text(block)
            lines.append(t)
            buf.append(t)
            continue
        p = block
        lines.append(p.text)
        if p.style is not None and p.style.name.lower().startswith(("heading", "title")):
            if "".join(buf).strip():
                sections.append((heading, "\n".join(buf).strip()))
            heading, buf = p.text.strip(), []
        else:
            buf.append(p.text)
    if "".join(buf).strip():
        sections.append((heading, "\n".join(buf).strip()))
    if d.core_properties.title:
        meta["title"] = d.core_properties.title
    meta.update(_tagged(d.core_properties.keywords or ""))
    if d.core_properties.category:  # the category is the doc_type's proper place
        meta["doc_type"] = d.core_properties.category
    return "\n".join(lines), sections, meta


def reader_for(fmt: str):
    """The reader of a PDF's or DOCX's bytes: (text, sections, metadata)."""
    return _pdf_parts if fmt == "pdf" else _docx_parts


def parse_document(data: bytes, name: str, doc_id: str | None = None, source: str | None = None) -> Document:
    """A document from a file's bytes (``name`` gives its format); :class:`NotADocument` for a stub."""
    fmt = FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise ImportProblem(f"unsupported file type {Path(name).suffix!r}.", file=name,
                            hint=f"supported: {', '.join(sorted(FORMATS))}.")
    if not data.strip():
        raise NotADocument("empty." if not data else "empty (only blank lines).", file=name,
                           hint="write the document, or leave the file out.")
    meta: dict = {}
    sections: list[tuple[str, str]] = []
    try:
        if fmt in ("md", "txt", "rst"):
            text = _text(data, name, fmt)
            if fmt == "md":
                meta, body = _front_matter(text, name)
                if not body.strip():
                    shown = ", ".join(f"{k}: {v}" for k, v in list(meta.items())[:2])
                    raise NotADocument(f"only front matter ({shown or 'no text below it'}): a redirect or stub page.",
                                       file=name, hint="nothing to import; the page it stands for is elsewhere.")
                text = doctext.markdown_text(body)
                sections = _md_sections(text)
                meta.setdefault("title", _md_title(text))
            elif fmt == "rst":
                includes = doctext.rst_includes(text)
                if includes:
                    raise NotADocument(f"only includes {', '.join(includes)} (a stub: the text is in that file).",
                                       file=name, hint="import the included file itself (put it in the folder).")
                meta["title"] = next((h for h, _ in _rst_sections(text, keep_empty=True) if h), "")
                text = doctext.rst_text(text)
                sections = _rst_sections(text)
        elif fmt == "html":
            parser = _HTMLText()
            parser.feed(_text(data, name, fmt))
            parser.close()
            text, sections = _clean("".join(parser.parts)), parser.sections
            meta.update(parser.meta, title=parser.title.strip())
        else:  # PDF and DOCX: what the course's build read already is looked up (shiplab.data.doccache)
            from shiplab.data import doccache

            text, sections, found = doccache.extracted(fmt, data, reader_for(fmt))
            meta.update(found)
    except ImportProblem:
        raise
    except Exception as exc:  # a corrupt PDF/DOCX raises many kinds of errors
        raise ImportProblem(f"cannot read this {fmt.upper()} file ({type(exc).__name__}: {exc}).", file=name,
                            hint="open it and save it again, or export it to PDF or Markdown.") from None
    if not text.strip():
        if fmt in ("md", "rst", "html"):
            raise NotADocument(f"no text once its markup is taken out (an {fmt.upper()} page of tags only).",
                               file=name, hint="nothing to import.")
        raise ImportProblem(f"no text found in this {fmt.upper()} file.", file=name,
                            hint="a scanned PDF needs OCR first; export the text version if there is one."
                            if fmt == "pdf" else "open it and check that it holds text.")
    classification = str(meta.get("classification") or "internal").strip().lower()
    if classification not in CLASSES:
        raise ImportProblem(f"classification {classification!r} is not one of {', '.join(CLASSES)}.",
                            file=name, hint="set classification to one of those (front matter, <meta>, "
                                            "PDF subject or DOCX keywords).")
    stem = Path(name).stem
    title = str(meta.get("title") or "") or next((h for h, _ in sections if h), doc_id or stem)
    return Document(id=doc_id or stem, title=title, text=text.strip(), format=fmt,
                    doc_type=str(meta.get("doc_type", "")), classification=classification, sections=sections,
                    provenance=Provenance(source or name, fmt))


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
    not documents (``"path: why"``: other file types, links out of the folder, stubs); all problems together, or the
    readable documents with ``skip_bad``. Each file is bounded by ``limit`` bytes."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ImportProblem("not a folder.", file=str(folder), hint="give the folder that holds the documents.")
    found, link_notes = doctree.walk(folder)
    paths, skipped, target = [], [], {}
    for rel, real in found:
        why = not_a_document(rel)
        if why:
            if not (why == "hidden" and any(part.startswith(".") for part in rel.parts[:-1])):
                skipped.append(f"{rel.as_posix()}: {why}")  # files inside .git/ and the like are not listed one by one
        else:
            paths.append(rel)
            target[rel] = real
    skipped += [n for n in link_notes  # not those inside .git/ and the like
                if not any(part.startswith(".") for part in Path(n.split(": ", 1)[0]).parts[:-1])]
    if not paths:
        raise ImportProblem("the folder holds no documents.", file=str(folder),
                            hint=f"put {', '.join(sorted(FORMATS))} files in it"
                                 + (f" ({len(skipped)} other files were left out)." if skipped else "."))
    ids = document_ids(paths)
    docs, problems = [], ProblemList(str(folder), unit="file")
    for n, rel in enumerate(paths, start=1):
        try:
            data = doctree.read_inside(folder, target[rel], limit)
            docs.append(parse_document(data, rel.name, ids[rel], rel.as_posix()))
        except NotADocument as exc:
            skipped.append(f"{rel.as_posix()}: {exc.reason.rstrip('.')}; left out")
        except ImportProblem as exc:
            problems.add(f"{rel.as_posix()}: {exc.reason}" + (f" ({exc.hint})" if exc.hint else ""))
        if progress:
            progress(n, len(paths))
    if not skip_bad:
        problems.raise_if_any(hint="fix or remove those files, or import with skip_bad=True (--skip-bad).")
    return docs, [str(p) for p in problems.items], sorted(skipped)
