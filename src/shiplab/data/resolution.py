"""Whether an item is resolved when the export gives no resolution date: its status category, status or resolution.

Jira's "current fields" exports often lack the ``Resolved`` column, and Jira Cloud's "all fields" export has it but
leaves it empty for every issue whose workflow never sets a resolution (a team-managed project: ``Done`` with an
empty Resolution). GitHub's ``gh issue list --json`` may lack ``closedAt``, and an Azure DevOps item moved to
``Removed`` has no ``Closed Date``. Without this such items would count as open — and whether Jira happened to
include an empty column would change the answer. So an item with no resolution date is resolved when:

- the export has Jira's **Status Category** column (``Status Category``, ``Categoría de estado``,
  ``Statuskategorie``, …) and it says *Done* in any of the languages in :data:`DONE_CATEGORIES` — Jira's own
  grouping of the workflow's statuses, so ``Cancelled``, ``Aborted`` or ``Won't Do`` in a done category count too.
  A known to-do/in-progress category means open, whatever the status is called;
- otherwise (no such column, or a value it does not know) its resolution names one (``Fixed``, ``Done``,
  ``Duplicate``, ``Won't Fix`` — anything but empty or "Unresolved") or its status is a closing one
  (:data:`CLOSING_STATUSES`: ``Done``, ``Closed``, ``Resolved``, ``Cancelled``, Azure's ``Removed`` … and their
  German, French, Spanish and Portuguese names).

"Resolved" here means *not open any more*: a removed or cancelled item leaves the open backlog as a done one does;
lab 1's profile counts both as resolved, and the status keeps telling them apart. Its resolution date is then the
best date the export has — when the status category last changed, else the last update, which is when (or just
after) it was closed — and the importer notes how many it counted so.
"""

from __future__ import annotations

CLOSING_STATUSES = frozenset("""done closed resolved fixed complete completed released shipped cancelled canceled
rejected removed aborted declined obsolete erledigt geschlossen gelöst abgeschlossen fertig behoben fermé fermée
résolu résolue terminé terminée clos cerrado cerrada resuelto resuelta finalizado finalizada listo hecho cancelado
cancelada concluído concluída fechado fechada resolvido resolvida""".split()) | {"won't do", "won't fix"}
UNRESOLVED = frozenset(["", "unresolved", "none", "open", "ungelöst", "offen", "non résolu", "non résolue", "-",
                        "sin resolver", "não resolvido", "nicht erledigt"])
# Jira's three status categories as its UI names them (the export writes the exporting user's language):
# English, Spanish (To Do / In Progress as in tests/data/real/fresh/jira-cloud-es), German, French, Portuguese.
DONE_CATEGORIES = frozenset(["done", "listo", "hecho", "finalizado", "fertig", "erledigt", "terminé", "terminée",
                             "terminé(e)", "itens concluídos", "concluído", "concluída"])
OPEN_CATEGORIES = frozenset(["to do", "in progress", "por hacer", "en curso", "en progreso", "zu erledigen",
                             "in arbeit", "à faire", "en cours", "itens pendentes", "a fazer", "em andamento",
                             "em progresso", "no category", "undefined"])


def says_resolved(status: str, resolution: str = "", category: str = "") -> bool:
    """Does the status category (when known), or else the status or the resolution, say the item is resolved?"""
    cat = " ".join(category.split()).lower()
    if cat in DONE_CATEGORIES:
        return True
    if cat in OPEN_CATEGORIES:
        return False
    return resolution.strip().lower() not in UNRESOLVED or status.strip().lower() in CLOSING_STATUSES
