"""HTML in descriptions (GitHub's ``body_html``, Azure DevOps' rich-text fields, Jira's rendered fields) turned into
plain text with Beautiful Soup: paragraphs and list items on their own lines, line breaks kept, scripts, styles and
comments dropped, entities decoded.

Only text that *is* HTML is converted (:func:`looks_like_html`): a Markdown body that mentions ``List<String>`` or
``a < b`` stays as it is, because an HTML parser would take those for tags and drop them.
"""

from __future__ import annotations

import re

BLOCKS = ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "section", "article",
          "table", "ul", "ol", "dl", "dt", "dd", "header", "footer")
_STARTS_AS_HTML = re.compile(r"^\s*(?:<!doctype html|<html|<body|<(?:%s)\b[^>]*>)" % "|".join(BLOCKS + ("br", "span")),
                             re.I)
_BLOCK_TAGS = re.compile(r"</(?:%s)\s*>|<br\s*/?>" % "|".join(BLOCKS), re.I)


def looks_like_html(text: str) -> bool:
    """Is this text HTML: it starts with a block tag, or block tags close in it at least twice?"""
    return bool(text) and (_STARTS_AS_HTML.match(text) is not None or len(_BLOCK_TAGS.findall(text)) >= 2)


def html_to_text(html: str) -> str:
    """The text of an HTML fragment or page, one block per line."""
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "head", "template"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for cell in soup.find_all(["td", "th"]):
        cell.insert_after(" | ")
    for block in soup.find_all(BLOCKS):
        block.insert_before("\n- " if block.name == "li" else "\n")
        block.insert_after("\n")
    text = soup.get_text()
    text = re.sub(r"[ \t\xa0]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def as_text(value: str) -> str:
    """``value`` as plain text: converted when it is HTML, unchanged otherwise."""
    return html_to_text(value) if looks_like_html(value) else value
