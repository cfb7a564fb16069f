"""The text of Markdown and reST documents without their markup — what a reader sees, not what the author typed.

- **Markdown** may hold raw HTML (``<div>``, ``<button>``, a whole ``<script>``), HTML comments (``<!-- md:version
  5.2.0 -->``, GitHub's issue-template ``<!-- Tell us what should happen -->``) and MkDocs admonitions (``!!! note
  "Title"``). :func:`markdown_text` drops the comments, ``<script>``/``<style>`` blocks *with their content*, and
  every other tag (keeping the text between), and turns an admonition line into its title. Fenced code blocks and
  inline code are left exactly as written: HTML shown as an example is content.
- **reST** directives and roles (:func:`rst_text`): ``.. code-block:: python`` and ``.. note::`` lose their marker
  line and options, their indented content stays (dedented); ``.. autoclass:: flask.Flask`` keeps its argument;
  ``.. image::``/``.. figure::`` paths, comments and link targets (``.. _label:``) go; ``:doc:`Tutorial <tutorial>```
  becomes ``Tutorial`` and ``:func:`~flask.url_for``` becomes ``flask.url_for``. :func:`rst_includes` names the files
  a document only includes (``.. include:: ../CHANGES.rst``), so a stub that holds nothing else can be left out with
  a note instead of imported nearly empty.
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_UNCLOSED_COMMENT = re.compile(r"<!--.*\Z", re.S)
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_ADMONITION = re.compile(r'^(\s*)(?:!!!|\?\?\?\+?)\s+[\w-]+(?:\s+[\w-]+)*(?:\s+"([^"]*)")?\s*$')


def _outside_fences(text: str, clean) -> str:
    """``clean`` applied to the text between fenced code blocks; the blocks are kept as they are."""
    out, buf, fence = [], [], None
    for line in text.split("\n"):
        opener = _FENCE.match(line)
        if fence is None and opener:
            out.append(clean("\n".join(buf)))
            buf, fence = [line], opener.group(1)[0] * len(opener.group(1))
        elif fence is not None:
            buf.append(line)
            if line.strip().startswith(fence) and len(buf) > 1:
                out.append("\n".join(buf))
                buf, fence = [], None
        else:
            buf.append(line)
    out.append("\n".join(buf) if fence is not None else clean("\n".join(buf)))
    return "\n".join(out)


def _strip_html(chunk: str) -> str:
    codes: list[str] = []

    def keep(m):  # inline code is content, tags and all
        codes.append(m.group(0))
        return f"\x00{len(codes) - 1}\x00"

    chunk = _INLINE_CODE.sub(keep, chunk)
    chunk = _COMMENT.sub("", chunk)
    chunk = _UNCLOSED_COMMENT.sub("", chunk)
    chunk = _SCRIPT.sub("", chunk)
    chunk = _TAG.sub("", chunk)
    chunk = re.sub(r"&(?:nbsp|amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);", lambda m: html.unescape(m.group(0)), chunk)
    chunk = "\n".join(_ADMONITION.sub(lambda m: m.group(1) + (m.group(2) or ""), ln) for ln in chunk.split("\n"))
    chunk = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", chunk)  # the blank lines a removed block leaves
    return re.sub(r"\x00(\d+)\x00", lambda m: codes[int(m.group(1))], chunk)


def markdown_text(text: str) -> str:
    """Markdown with its raw HTML, comments and admonition markers removed (code kept as written)."""
    if "<" not in text and "!!!" not in text and "???" not in text:
        return text
    return _outside_fences(text, _strip_html)


def without_comments(text: str) -> str:
    """Text with its HTML comments (``<!-- … -->``) removed outside code — what GitHub shows of an issue body."""
    if "<!--" not in text:
        return text
    return _outside_fences(text, lambda c: _UNCLOSED_COMMENT.sub("", _COMMENT.sub("", c)))


# --- reST ------------------------------------------------------------------------------------------------------------
_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\.\s+(?P<name>[\w:.+-]+)::\s*(?P<arg>.*)$")
_EXPLICIT = re.compile(r"^(\s*)\.\.(?:\s|$)")
_OPTION = re.compile(r"^\s+:[\w -]+:(?:\s.*)?$")
_ROLE = re.compile(r":[\w:.+-]+:`(?P<body>[^`]+)`")
_LINK = re.compile(r"`(?P<text>[^`<]+?)\s*<[^`>]+>`_{1,2}")
VERSION_WORDS = {"versionadded": "Added in version {}.", "versionchanged": "Changed in version {}.",
                 "deprecated": "Deprecated since version {}.", "versionremoved": "Removed in version {}."}  # as Sphinx
DROP_ARG = {"image", "figure", "include", "literalinclude", "toctree", "raw", "only", "highlight", "currentmodule",
            "module", "meta", "contents", "tabularcolumns"}


def _role(m: re.Match) -> str:
    body = m.group("body")
    link = re.match(r"(?s)(.*?)\s*<[^<>]+>$", body)
    body = link.group(1) if link and link.group(1) else body
    return body.lstrip("~!")


def rst_includes(text: str) -> list[str]:
    """The files ``text`` pulls in with ``.. include::``/``.. literalinclude::`` when that is all it holds besides
    its title (an include-only stub); [] otherwise."""
    includes, other = [], False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _DIRECTIVE.match(line)
        if m and m.group("name") in ("include", "literalinclude"):
            includes.append(m.group("arg").strip())
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        stripped = line.strip()
        if not stripped or _OPTION.match(line) or re.fullmatch(r"([=\-~^\"'`#*+<>_:.])\1{2,}", stripped):
            continue
        if re.fullmatch(r"([=\-~^\"'`#*+<>_:.])\1{2,}", nxt.strip()) or _EXPLICIT.match(line):
            continue  # the title (or a comment / target)
        other = True
    return includes if includes and not other else []


def rst_text(text: str) -> str:
    """reST with directive markers, options, comments and roles turned into the text they show."""
    result = _directives(text)
    result = _ROLE.sub(_role, result)
    return _LINK.sub(lambda mm: mm.group("text"), result)


def _directives(text: str) -> str:
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = _DIRECTIVE.match(line)
        if m or _EXPLICIT.match(line):
            indent = len((m.group("indent") if m else _EXPLICIT.match(line).group(1)))
            if m and m.group("arg").strip() and m.group("name") not in DROP_ARG:
                arg = m.group("arg").strip()
                out.append(" " * indent + (VERSION_WORDS[m.group("name")].format(arg)
                                           if m.group("name") in VERSION_WORDS else arg))
            i += 1
            keep_body = bool(m) and m.group("name") not in ("image", "figure", "raw", "meta", "toctree")
            body: list[str] = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                if not (_OPTION.match(lines[i]) and not body):
                    body.append(lines[i])
                i += 1
            if keep_body:
                real = [b for b in body if b.strip()]
                cut = min((len(b) - len(b.lstrip()) for b in real), default=0)
                out += _directives("\n".join(b[cut:] for b in body)).split("\n")  # directives nest
            if body and not body[-1].strip():
                out.append("")
            continue
        out.append(line)
        i += 1
    return "\n".join(out)
