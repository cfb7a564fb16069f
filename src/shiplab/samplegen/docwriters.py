"""Render sample documents as Markdown, HTML, PDF and DOCX — byte-identical on every run."""

from __future__ import annotations

import html
import io
import json
import textwrap
import zipfile

from shiplab.samplegen.documents import Doc

FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def markdown(doc: Doc) -> bytes:
    out = [f"---\ntitle: {json.dumps(doc.title)}\ndoc_type: {doc.doc_type}\nclassification: {doc.classification}\n---",
           f"# {doc.title}"]
    for heading, paragraphs in doc.sections:
        out.append(f"## {heading}")
        out += paragraphs
    return ("\n\n".join(out) + "\n").encode("utf-8")


def html_page(doc: Doc) -> bytes:
    body = [f"<h1>{html.escape(doc.title)}</h1>"]
    for heading, paragraphs in doc.sections:
        body.append(f"<h2>{html.escape(heading)}</h2>")
        body += [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    page = (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(doc.title)}</title>'
            f'<meta name="classification" content="{doc.classification}"></head>\n<body>\n' + "\n".join(body)
            + "\n</body></html>\n")
    return page.encode("utf-8")


def pdf(doc: Doc) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.setTitle(doc.title)
    c.setAuthor("Nordlicht Versicherung AG")
    c.setSubject(f"{doc.doc_type}; classification: {doc.classification}")
    width, height = A4
    y = height - 60

    def line(text: str, font: str = "Helvetica", size: int = 9) -> None:
        nonlocal y
        if y < 60:
            c.showPage()
            y = height - 60
        c.setFont(font, size)
        c.drawString(50, y, text)
        y -= size + 5

    line(doc.title, "Helvetica-Bold", 14)
    facts = {f.sentence for f in doc.facts}
    for heading, paragraphs in doc.sections:
        y -= 6
        line(heading, "Helvetica-Bold", 11)
        for p in paragraphs:
            if p in facts:
                line(p)  # a fact stays on one line, so text extraction returns it verbatim
            else:
                for part in p.split("\n"):
                    for wrapped in textwrap.wrap(part, 105) or [""]:
                        line(wrapped)
            y -= 4
    c.save()
    return buf.getvalue()


def docx(doc: Doc) -> bytes:
    import datetime

    import docx as python_docx

    d = python_docx.Document()
    props = d.core_properties
    props.title, props.author, props.category = doc.title, "Nordlicht Versicherung AG", doc.doc_type
    props.keywords = f"classification:{doc.classification}"
    fixed = datetime.datetime(2024, 1, 1)
    props.created = props.modified = props.last_printed = fixed
    props.revision = 1
    d.add_heading(doc.title, level=1)
    for heading, paragraphs in doc.sections:
        d.add_heading(heading, level=2)
        for p in paragraphs:
            d.add_paragraph(p)
    raw = io.BytesIO()
    d.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times and order, so the same document gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name))
    return out.getvalue()


RENDER = {"md": markdown, "html": html_page, "pdf": pdf, "docx": docx}
