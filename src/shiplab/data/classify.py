"""Data classes for the governance policy: public < internal < confidential < restricted.

A record that holds personal data is *restricted*; otherwise backlog items are *internal* and documents keep the
class their front matter gives (never lowered).
"""

from __future__ import annotations

from shiplab.data import pii
from shiplab.data.model import CLASSES, BacklogItem, Document


def higher(a: str, b: str) -> str:
    return a if CLASSES.index(a) >= CLASSES.index(b) else b


def classify_text(text: str, default: str = "internal") -> str:
    return "restricted" if pii.detect(text) else default


def classify(record: BacklogItem | Document) -> BacklogItem | Document:
    """Set ``record.classification`` (in place) and return the record."""
    if isinstance(record, BacklogItem):
        text = f"{record.summary}\n{record.description}"
        record.classification = higher(record.classification or "internal", classify_text(text))
    else:
        record.classification = higher(record.classification or "internal", classify_text(record.text))
    return record
