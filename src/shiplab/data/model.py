"""The normalized records every importer produces: :class:`BacklogItem` and :class:`Document`.

Whatever tool a team exported from, labs and services see the same fields. Dates are timezone-aware; lists are lists
(Jira's repeated ``Labels`` columns, Azure's ``a; b`` tags and GitHub's label objects all become ``labels``; Jira's
repeated ``Comment`` columns and ``gh``'s comment objects become ``comments``); descriptions are plain text (HTML is
converted, :mod:`shiplab.data.htmltext`); links
are ``(link type, other key)`` pairs. Every record carries its :class:`Provenance` — the file, format, row and line
it came from and the id it had there — so a result can always be traced back to the export.

``to_dict``/``from_dict`` give a JSON-safe form (the ``.jsonl`` export) that reads back to equal records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

CLASSES = ("public", "internal", "confidential", "restricted")  # ascending; restricted = personal data inside


@dataclass(frozen=True)
class Provenance:
    source: str  # file name as given to the importer
    format: str  # jira, github, azure, csv, shiplab; md, txt, html, pdf, docx
    row: int | None = None  # spreadsheet row (header = 1) or JSON item number
    line: int | None = None  # physical line where the row starts (differs from row when cells span lines)
    original_id: str = ""  # the id in the source tool (Jira issue id, GitHub URL, Azure ID)


@dataclass
class BacklogItem:
    key: str
    summary: str
    description: str = ""
    type: str = ""
    status: str = ""
    priority: str = ""
    components: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    created: datetime | None = None
    resolved: datetime | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (link type, other key), e.g. ("duplicates", "NVA-2")
    parent: str = ""  # the parent's (epic's) key when the export lets us resolve it, else its id
    assignee: str = ""
    reporter: str = ""
    classification: str = "internal"
    provenance: Provenance | None = None
    comments: list[str] = field(default_factory=list)  # the comments' text, oldest first (Jira, GitHub)

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("created", "resolved"):
            d[k] = d[k].isoformat() if d[k] else None
        d["links"] = [list(link) for link in self.links]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "BacklogItem":
        d = dict(d)
        for k in ("created", "resolved"):
            d[k] = datetime.fromisoformat(d[k]) if d.get(k) else None
        d["links"] = [(str(t), str(k)) for t, k in d.get("links") or []]
        d["provenance"] = Provenance(**d["provenance"]) if d.get("provenance") else None
        return cls(**d)


@dataclass
class Document:
    id: str
    title: str
    text: str
    format: str
    doc_type: str = ""
    classification: str = "internal"
    # (heading, text) in document order; a list, not a dict, because headings repeat ("Steps", "Example")
    sections: list[tuple[str, str]] = field(default_factory=list)
    provenance: Provenance | None = None

    def section(self, heading: str) -> str:
        """The text under the first section with this heading ('' when there is none)."""
        return next((text for h, text in self.sections if h == heading), "")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["sections"] = [list(s) for s in self.sections]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Document":
        d = dict(d)
        d["sections"] = [(str(h), str(t)) for h, t in d.get("sections") or []]
        d["provenance"] = Provenance(**d["provenance"]) if d.get("provenance") else None
        return cls(**d)
