"""The normalized records every importer produces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

CLASSES = ("public", "internal", "confidential", "restricted")  # ascending: restricted = personal data inside


@dataclass(frozen=True)
class Provenance:
    source: str  # file name
    format: str  # jira, github, azure, csv, md, html, pdf, docx, txt
    line: int | None = None  # line (CSV row) or item index (JSON)
    original_id: str = ""


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
    links: list[tuple[str, str]] = field(default_factory=list)  # (link type, other key)
    parent: str = ""
    assignee: str = ""
    reporter: str = ""
    classification: str = "internal"
    provenance: Provenance | None = None

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
        d["links"] = [tuple(link) for link in d.get("links", [])]
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
    sections: list[tuple[str, str]] = field(default_factory=list)  # (heading, text)
    provenance: Provenance | None = None
