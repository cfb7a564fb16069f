"""Whether an item is resolved when the export has no resolution date: its status or resolution says so.

Jira's "current fields" exports often lack the ``Resolved`` column, GitHub's ``gh issue list --json`` may lack
``closedAt``, and Azure DevOps queries may lack ``Closed Date``; without this every item would count as open. An
item is resolved when its resolution names one (``Fixed``, ``Done``, ``Duplicate``, ``Won't Fix`` — anything but
empty or "Unresolved") or its status is a closing one (``Done``, ``Closed``, ``Resolved``, ``Fixed`` and their German
and French names). Its resolution date is then the best date the export has — the last update, which is when (or
just after) it was closed — and the importer notes that it was guessed.
"""

from __future__ import annotations

CLOSING_STATUSES = frozenset("""done closed resolved fixed complete completed released shipped cancelled canceled
rejected removed erledigt geschlossen gelöst abgeschlossen fertig behoben fermé fermée résolu résolue terminé terminée
clos""".split())
UNRESOLVED = frozenset(["", "unresolved", "none", "open", "ungelöst", "offen", "non résolu", "non résolue", "-"])


def says_resolved(status: str, resolution: str = "") -> bool:
    """Does the status or the resolution say the item is resolved?"""
    return resolution.strip().lower() not in UNRESOLVED or status.strip().lower() in CLOSING_STATUSES
