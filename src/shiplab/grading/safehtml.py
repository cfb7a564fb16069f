"""A graded notebook that is safe to render: nothing a participant wrote or printed runs in a viewer's browser.

The formgrader, the feedback page and the progress board render graded notebooks as HTML on the hub's origin, for
instructors (who hold the formgrader's rights) and for the participant. nbconvert puts some of a notebook into that
HTML as it is: ``text/html``, ``text/markdown``, ``image/svg+xml`` and ``application/javascript`` outputs, raw and
markdown cells, cell ids and tags in attributes, an execution count after ``In [``. Everything of that kind that a
participant controls is made inert here, once, in the trusted worker, before the graded notebook is written:

- outputs are rebuilt from an allow-list: streams and errors as text; ``text/plain``; ``text/html`` cleaned by
  bleach (tables, lists, emphasis and code survive — a pandas table still shows — scripts, event handlers, styles,
  links and images are escaped so the instructor *sees* them as text); PNG, JPEG and GIF only as base64; anything
  else (SVG, JavaScript, widgets, markdown outputs) is replaced by a line saying what was removed; output metadata
  is dropped;
- markdown cells the participant could edit (not locked by the lab) are rendered to HTML and cleaned the same way
  (so no markdown link keeps a ``javascript:`` target), raw cells cleaned, and neither keeps attachments; every
  cell's id must be a plain id, its metadata is nbgrader's only, its execution count an integer.

Locked cells (the lab's own instructions and tests, restored from the gradebook) keep their source.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid

import bleach

TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul"]
ATTRIBUTES = {"*": ["class"], "table": ["border", "class"], "td": ["colspan", "rowspan"],
              "th": ["colspan", "rowspan"], "abbr": ["title"]}
IMAGES = ("image/png", "image/jpeg", "image/gif")
CELL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_CLEANER = bleach.Cleaner(tags=TAGS, attributes=ATTRIBUTES, protocols=[], strip=False, strip_comments=True)


def clean_html(text) -> str:
    """HTML with every tag and attribute not in the allow-list escaped (shown as text); no links at all."""
    cleaned = _CLEANER.clean(_text(text))
    return re.sub(r"<a\b[^>]*>", "<a>", cleaned)  # an <a> may stay, never with an href


def safe_markdown(source: str) -> str:
    """A participant's markdown as the HTML it renders to, cleaned: markdown's own links (``[x](javascript:…)``,
    reference links, entity-encoded schemes) would survive escaping the source, so the source is rendered first
    (nbconvert's own renderer) and the result cleaned; it renders the same wherever markdown is rendered."""
    import html

    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    try:
        rendered = markdown2html_mistune(re.sub(r"(?i)attachment:", "attachment-removed:", source))
    except Exception:  # noqa: BLE001 -- whatever the renderer refuses is shown as plain text
        return "<pre>" + html.escape(source) + "</pre>"
    return clean_html(rendered)


def safe_notebook(nb: dict) -> dict:
    """``nb`` (a notebook as a dict or NotebookNode), made safe to render, in place; returned for chaining."""
    nb["metadata"] = {k: v for k, v in dict(nb.get("metadata", {})).items()
                      if k in ("kernelspec", "language_info", "nbgrader")}
    for cell in nb.get("cells", []):
        _safe_cell(cell)
    return nb


def _safe_cell(cell: dict) -> None:
    meta = dict(cell.get("metadata", {}))
    cell["metadata"] = {"nbgrader": meta["nbgrader"]} if isinstance(meta.get("nbgrader"), dict) else {}
    if "id" in cell and not CELL_ID.match(str(cell["id"])):
        cell["id"] = uuid.uuid4().hex[:8]
    locked = bool(cell["metadata"].get("nbgrader", {}).get("locked"))
    kind = cell.get("cell_type")
    if kind == "markdown" and not locked:
        cell.pop("attachments", None)
        cell["source"] = safe_markdown(_text(cell.get("source", "")))
    elif kind == "raw" and not locked:
        cell.pop("attachments", None)
        cell["source"] = clean_html(cell.get("source", ""))
    elif kind == "code":
        cell["execution_count"] = _count(cell.get("execution_count"))
        cell["outputs"] = [safe_output(out) for out in cell.get("outputs", []) if isinstance(out, dict)]


def safe_output(out: dict) -> dict:
    """One output, rebuilt from what may be rendered (see the module's docstring)."""
    kind = out.get("output_type")
    if kind == "stream":
        return {"output_type": "stream", "name": "stderr" if out.get("name") == "stderr" else "stdout",
                "text": _text(out.get("text", ""))}
    if kind == "error":
        traceback = out.get("traceback", [])
        return {"output_type": "error", "ename": _text(out.get("ename", "")), "evalue": _text(out.get("evalue", "")),
                "traceback": [_text(line) for line in traceback] if isinstance(traceback, list) else []}
    data = out.get("data", {}) if isinstance(out.get("data"), dict) else {}
    kept: dict = {}
    removed = []
    for mime, value in data.items():
        if mime == "text/plain":
            kept[mime] = _text(value)
        elif mime == "text/html":
            kept[mime] = clean_html(value)
        elif mime in IMAGES and _is_base64(value):
            kept[mime] = _text(value).replace("\n", "")
        else:
            removed.append(str(mime)[:60])
    if removed:
        note = f"[output of type {', '.join(sorted(removed))} not shown: it could run code in the viewer's browser]"
        kept["text/plain"] = (kept["text/plain"] + "\n" + note) if "text/plain" in kept else note
    rebuilt = {"output_type": "execute_result" if kind == "execute_result" else "display_data", "data": kept,
               "metadata": {}}
    if kind == "execute_result":
        rebuilt["execution_count"] = _count(out.get("execution_count"))
    return rebuilt


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


def _count(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**9 else None


def _is_base64(value) -> bool:
    text = _text(value).replace("\n", "")
    if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text):
        return False
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True
