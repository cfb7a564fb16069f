"""Reading the sample company documents (datasets/documents: md, html, pdf, docx) into plain text for the RAG tests and
bench/rag.py — a deliberately small reader, so these checks do not depend on the importers in shiplab.data."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOCS_DIR = REPO / "datasets" / "documents"
GOLD_PATH = REPO / "datasets" / "gold" / "questions.jsonl"
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre", "blockquote", "div", "section", "tr",
           "title", "dt", "dd", "caption", "article", "header", "footer", "table", "ul", "ol", "br"}


@dataclass
class SampleDoc:
    id: str
    title: str
    text: str
    classification: str = ""
    sections: list = field(default_factory=list)


class _HTMLText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.title = ""
        self._in_title = False

    def _flush(self):
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        if tag == "title":
            self._in_title = True
        if tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self.skip = max(0, self.skip - 1)
        if tag == "title":
            self._in_title = False
        if tag in _BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if not self.skip:
            self.current.append(data)


def _front_matter(raw: str) -> tuple[dict[str, str], str]:
    if raw.startswith("---"):
        end = raw.find("\n---", 3)
        if end > 0:
            meta = {}
            for line in raw[3:end].splitlines():
                if ":" in line:
                    key, _, value = line.partition(":")
                    meta[key.strip()] = value.strip().strip("'\"")
            body = raw[end + 4 :]
            return meta, body.removeprefix("\n")
    return {}, raw


def read_text(path: Path) -> tuple[str, str]:
    """(title, plain text) of one document file."""
    suffix = path.suffix.lower()
    if suffix == ".md":
        meta, body = _front_matter(path.read_text(encoding="utf-8"))
        return meta.get("title", ""), body
    if suffix in (".html", ".htm"):
        parser = _HTMLText()
        parser.feed(path.read_text(encoding="utf-8"))
        parser.close()
        parser._flush()
        return parser.title.strip(), "\n\n".join(parser.blocks)
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "", "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    if suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        return document.core_properties.title or "", "\n".join(p.text for p in document.paragraphs)
    raise ValueError(f"unsupported document type: {path.name}")


def load_documents(directory: Path = DOCS_DIR) -> list[SampleDoc]:
    """Every document listed in ``index.csv`` (or every readable file when there is no index)."""
    rows = []
    index = directory / "index.csv"
    if index.is_file():
        with index.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        rows = [{"id": p.stem, "file": p.name} for p in sorted(directory.iterdir())
                if p.suffix.lower() in (".md", ".html", ".htm", ".pdf", ".docx")]
    docs = []
    for row in rows:
        path = directory / row.get("file", "")
        if not path.is_file():
            continue
        title, text = read_text(path)
        docs.append(SampleDoc(id=row.get("id") or path.stem, title=row.get("title") or title, text=text,
                              classification=row.get("classification", "")))
    return docs


def datasets_missing() -> str | None:
    """Why the sample documents/gold set cannot be used yet, or None when they can."""
    if not GOLD_PATH.is_file():
        return f"{GOLD_PATH.relative_to(REPO)} is not there yet (run the sample-data generator)"
    if not DOCS_DIR.is_dir() or not any(DOCS_DIR.iterdir()):
        return f"{DOCS_DIR.relative_to(REPO)} is not there yet (run the sample-data generator)"
    return None
