"""Render sample documents as Markdown, HTML, PDF and DOCX — byte-identical on every run.

PDF and DOCX embed dates and zip timestamps; both are fixed here (reportlab ``invariant=1``; python-docx core
properties set to a fixed date and the zip rewritten with fixed entry times), so regeneration gives the same bytes.
In the PDF, line breaks never fall inside a fact's passage, so pypdf returns it verbatim instead of broken in two.
"""

from __future__ import annotations

import datetime
import html
import io
import json
import zipfile

from shiplab.samplegen.docmodel import Bullets, Doc, Steps

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
FIXED_DATE = datetime.datetime(2024, 1, 1)
AUTHOR = "Nordlicht Versicherung AG"


def _items(block: Steps | Bullets) -> list[str]:
    if isinstance(block, Steps):
        return [f"{n}. {t}" for n, t in enumerate(block.items, start=1)]
    return [f"- {t}" for t in block.items]


def markdown(doc: Doc) -> bytes:
    out = [f"---\ntitle: {json.dumps(doc.title)}\ndoc_type: {doc.doc_type}\nclassification: {doc.classification}\n---",
           f"# {doc.title}"]
    for heading, blocks in doc.sections:
        out.append(f"## {heading}")
        out += ["\n".join(_items(b)) if isinstance(b, (Steps, Bullets)) else b for b in blocks]
    return ("\n\n".join(out) + "\n").encode("utf-8")


def html_page(doc: Doc) -> bytes:
    e = html.escape
    body = [f"<h1>{e(doc.title)}</h1>"]
    for heading, blocks in doc.sections:
        body.append(f"<h2>{e(heading)}</h2>")
        for b in blocks:
            if isinstance(b, (Steps, Bullets)):
                tag = "ol" if isinstance(b, Steps) else "ul"
                body.append(f"<{tag}>" + "".join(f"<li>{e(t)}</li>" for t in b.items) + f"</{tag}>")
            else:
                body.append(f"<p>{e(b)}</p>")
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{e(doc.title)}</title>\n'
            f'<meta name="doc_type" content="{doc.doc_type}">\n'
            f'<meta name="classification" content="{doc.classification}"></head>\n<body>\n'
            + "\n".join(body) + "\n</body></html>\n")
    return page.encode("utf-8")


def _wrap(tokens: list[str], width: float, font: str, size: float) -> list[str]:
    """Greedy line filling; a token (a word, or a whole passage) is never split across lines."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines, cur = [], ""
    for token in tokens:
        trial = f"{cur} {token}" if cur else token
        if cur and stringWidth(trial, font, size) > width:
            lines.append(cur)
            cur = token
        else:
            cur = trial
    return lines + ([cur] if cur else [])


def _tokens(text: str, passages: list[str]) -> list[str]:
    """The words of ``text``, except that the words of a passage are glued into one token."""
    spans = [(i, i + len(p)) for p in passages for i in [text.find(p)] if i >= 0]
    tokens, current, pos = [], None, 0
    for word in text.split(" "):
        start, end = pos, pos + len(word)
        pos = end + 1
        span = next((s for s in spans if start < s[1] and end > s[0]), None)
        if span is not None and span == current:
            tokens[-1] += " " + word
        else:
            tokens.append(word)
        current = span
    return tokens


def pdf(doc: Doc) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(doc.title)
    c.setAuthor(AUTHOR)
    c.setSubject(f"{doc.doc_type}; classification: {doc.classification}")
    c.setCreator("shiplab.samplegen")
    width, height = A4
    margin, text_width = 56, A4[0] - 112
    y = height - margin
    passages = [f.passage for f in doc.facts]

    def line(text: str, font: str = "Helvetica", size: float = 10, indent: float = 0) -> None:
        nonlocal y
        if y < margin:
            c.showPage()
            y = height - margin
        while stringWidth(text, font, size) > text_width - indent and size > 6:
            size -= 0.5  # a passage is kept whole on one line, a little smaller if it must
        c.setFont(font, size)
        c.drawString(margin + indent, y, text)
        y -= 14 if size >= 10 else size + 4

    def paragraph(text: str, indent: float = 0) -> None:
        for wrapped in _wrap(_tokens(text, passages), text_width - indent, "Helvetica", 10):
            line(wrapped, indent=indent)

    line(doc.title, "Helvetica-Bold", 15)
    y -= 6
    for heading, blocks in doc.sections:
        y -= 6
        line(heading, "Helvetica-Bold", 12)
        for b in blocks:
            if isinstance(b, (Steps, Bullets)):
                for item in _items(b):
                    paragraph(item.replace("- ", "\u2022 ", 1) if isinstance(b, Bullets) else item, indent=12)
            else:
                paragraph(b)
            y -= 5
    c.save()
    return buf.getvalue()


def docx(doc: Doc) -> bytes:
    import docx as python_docx

    d = python_docx.Document()
    props = d.core_properties
    props.title, props.author, props.category = doc.title, AUTHOR, doc.doc_type
    props.keywords = f"classification:{doc.classification}"
    props.last_modified_by = AUTHOR
    props.created = props.modified = props.last_printed = FIXED_DATE
    props.revision = 1
    d.add_heading(doc.title, level=1)
    for heading, blocks in doc.sections:
        d.add_heading(heading, level=2)
        for b in blocks:
            if isinstance(b, (Steps, Bullets)):
                style = "List Number" if isinstance(b, Steps) else "List Bullet"
                for item in b.items:
                    d.add_paragraph(item, style=style)
            else:
                d.add_paragraph(b)
    raw = io.BytesIO()
    d.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times and order, so the same document gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", n))  # Word expects the content types first
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name))
    return out.getvalue()


RENDER = {"md": markdown, "html": html_page, "pdf": pdf, "docx": docx}
