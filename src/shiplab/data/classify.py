"""Data classes for the governance policy: ``public < internal < confidential < restricted``.

A record holding personal data (found by :mod:`shiplab.data.pii`) is *restricted*. Otherwise a backlog item is
*internal* and a document keeps the class its metadata gives (front matter, ``<meta>``, PDF subject, DOCX keywords).
A class is never lowered: classifying twice gives the same answer, and a document marked *confidential* stays so
even with no personal data in it.

For a backlog item only the summary, description and comments are searched: the assignee and reporter are colleagues named by
the tool itself, which would make every ticket restricted and the class meaningless. An item's components and
labels are passed to the detector as names that are not people (a component "Julia Client" is no Julia).
"""

from __future__ import annotations

from shiplab.data import pii
from shiplab.data.model import CLASSES, BacklogItem, Document


def higher(a: str, b: str) -> str:
    """The stricter of two classes."""
    return a if CLASSES.index(a) >= CLASSES.index(b) else b


def classify_text(text: str, default: str = "internal", allow=()) -> str:
    return "restricted" if pii.detect(text, allow=allow) else default


def classify(record: BacklogItem | Document) -> str:
    """The record's class; also set on ``record.classification``."""
    current = record.classification if record.classification in CLASSES else "internal"
    text = ("\n".join([record.summary, record.description, *record.comments]) if isinstance(record, BacklogItem)
            else record.text)
    # an item's own components and labels name things of the project, never people
    allow = tuple(record.components + record.labels) if isinstance(record, BacklogItem) else ()
    record.classification = higher(current, classify_text(text, current, allow))
    return record.classification

