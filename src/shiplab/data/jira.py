"""Jira CSV exports — Cloud ("Export → CSV (all fields)"), Server and Data Center — into :class:`BacklogItem` records.

What makes Jira's CSV special:

- **Column names repeat**: one ``Labels`` column per label, one ``Component/s`` per component, one ``Comment`` per
  comment, one ``Outward issue link (Duplicate)`` per link — every value is kept.
- **Column names vary**: ``Issue key`` (Cloud) or ``Key`` (Server 6.x), ``Component/s`` or ``Components``,
  ``Issue Type`` or ``Type`` — each field is read from whichever of its names the file has (:data:`COLUMNS`).
- **Dates follow the site's format** (``12/Mar/24 9:15 AM``, ``22/Mar/14 07:59``, ``16/02/2017 15:26``) and the
  user's language (``22/Mär/14``): read per column by :class:`~shiplab.data.dates.DateReader`.
- **What is not an issue**: the Cloud export pads with rows of bare commas, the Server export ends with ``Generated at
  … using JIRA 6.2``; both are left out and noted.
- **Resolved without a Resolved column**: Status/Resolution decide (:mod:`~shiplab.data.resolution`).
- The parent (epic) is given by its *issue id* in ``Parent`` — resolved here to the parent's key when it is in the
  same export. Links become ``(type, key)`` pairs named as Jira names their direction: ``duplicates`` / ``is
  duplicated by``, ``blocks`` / ``is blocked by``, ``relates to``, ``clones`` / ``is cloned by``.
- Descriptions that are HTML (a rendered-fields export) become text. A comment cell ``22/Mar/14 07:59;jsmith;text``
  becomes its text (who and when are not kept).
"""

from __future__ import annotations

import re
from datetime import timezone, tzinfo

from shiplab.data import dates
from shiplab.data.errors import ProblemList, settle
from shiplab.data.htmltext import as_text
from shiplab.data.model import BacklogItem, Provenance
from shiplab.data.options import ReadOptions, ReadResult, date_reader
from shiplab.data.readers import read_table, require_items, require_unique_keys
from shiplab.data.resolution import says_resolved

COLUMNS = {  # field: the names Jira gives its column, the usual first
    "key": ("Issue key", "Key"), "summary": ("Summary",), "type": ("Issue Type", "Type", "Issue type"),
    "status": ("Status",), "created": ("Created",), "resolved": ("Resolved", "Resolution Date", "Resolution date"),
    "updated": ("Updated",), "resolution": ("Resolution",), "priority": ("Priority",),
    "description": ("Description",), "components": ("Component/s", "Components", "Component"),
    "labels": ("Labels", "Label"), "comments": ("Comment", "Comments"), "assignee": ("Assignee",),
    "reporter": ("Reporter",), "id": ("Issue id", "Issue ID", "ID"),
    "category": ("Status Category",), "category_changed": ("Status Category Changed",),
}
# Jira writes its column names in the exporting user's UI language. Only names seen in real exports are listed:
# es — the fleetbase Jira Cloud export (tests/data/real/fresh/jira-cloud-es/Jira.csv, every name below);
# de — a Jira Cloud "all fields" header published in github.com (Zusammenfassung, Vorgangsschlüssel, Vorgangs-ID,
#      Vorgangstyp, Status, Priorität, Lösung, Zugewiesene Person, Autor, Erstellt, Aktualisiert, Erledigt,
#      Beschreibung, Statuskategorie) and Stichwörter for labels;
# fr — Jira's French CSV as used by scripts on github.com (Résumé, Clé de ticket, Type de ticket, Etat, Priorité,
#      Résolution, Responsable, Rapporteur, Création, Mise à jour, Résolue);
# pt — Jira's Brazilian Portuguese CSV (Resumo, Chave da item, ID da item, Tipo de item, Status, Responsável,
#      Criado, Resolvido).
LOCALIZED = {
    "es": {"key": "Clave de incidencia", "summary": "Resumen", "type": "Tipo de Incidencia", "status": "Estado",
           "created": "Creada", "resolved": "Resuelta", "updated": "Actualizada", "resolution": "Resolución",
           "priority": "Prioridad", "description": "Descripción", "labels": "Etiquetas",
           "assignee": "Persona asignada", "reporter": "Informador", "id": "ID de la incidencia",
           "category": "Categoría de estado", "category_changed": "Categoría de estado cambiada"},
    "de": {"key": "Vorgangsschlüssel", "summary": "Zusammenfassung", "type": "Vorgangstyp", "status": "Status",
           "created": "Erstellt", "resolved": "Erledigt", "updated": "Aktualisiert", "resolution": "Lösung",
           "priority": "Priorität", "description": "Beschreibung", "labels": "Stichwörter",
           "assignee": "Zugewiesene Person", "reporter": "Autor", "id": "Vorgangs-ID", "category": "Statuskategorie"},
    "fr": {"key": "Clé de ticket", "summary": "Résumé", "type": "Type de ticket", "status": "Etat",
           "created": "Création", "resolved": "Résolue", "updated": "Mise à jour", "resolution": "Résolution",
           "priority": "Priorité", "assignee": "Responsable", "reporter": "Rapporteur"},
    "pt": {"key": "Chave da item", "summary": "Resumo", "type": "Tipo de item", "status": "Status",
           "created": "Criado", "resolved": "Resolvido", "assignee": "Responsável", "id": "ID da item"},
}
_EXTRA = {"fr": {"status": ("État",), "type": ("Type de demande",)}}  # both in tests/data/real/cned-jira
for _lang, _names in LOCALIZED.items():
    for _field, _name in _names.items():
        COLUMNS[_field] += tuple(n for n in (_name, *_EXTRA.get(_lang, {}).get(_field, ())) if n not in COLUMNS[_field])
KEY_NAMES = {n.lower() for n in COLUMNS["key"]}
SUMMARY_NAMES = {n.lower() for n in COLUMNS["summary"]}
REQUIRED = [COLUMNS["summary"], COLUMNS["key"], COLUMNS["type"], COLUMNS["status"], COLUMNS["created"]]
LINK_NAMES = {"duplicate": ("duplicates", "is duplicated by"), "blocks": ("blocks", "is blocked by"),
              "relates": ("relates to", "relates to"), "cloners": ("clones", "is cloned by")}
PARENT_COLUMNS = ("Parent", "Parent id", "Parent key", "Custom field (Epic Link)")
HINT = "fix those rows in the export (or in a copy of it) and import again."
_COMMENT = re.compile(r"^(?P<when>[^;]{6,30});(?P<who>[^;]{0,80});(?P<text>.*)$", re.S)


def _cells(line_cells: list[str]) -> set[str]:
    return {" ".join(c.split()).lower() for c in line_cells}


def is_header(cells: list[str]) -> bool:
    """Is this row Jira's header: a key column and ``Summary``?"""
    names = _cells(cells)
    return bool(names & SUMMARY_NAMES) and bool(names & KEY_NAMES)


def looks_like(header_line: str) -> bool:
    """Does this header line name Jira's key and summary columns (in English or a language of :data:`LOCALIZED`)?"""
    names = {" ".join(c.strip().strip('"').split()).lower() for c in re.split(r"[,;\t]", header_line.lstrip("\ufeff"))}
    return bool(names & KEY_NAMES) and bool(names & SUMMARY_NAMES)


def telltale(header_line: str) -> bool:
    """Does this header look like Jira's in a language shiplab does not read? Jira leaves some names in English in
    every language: ``Parent summary``, ``Sprint``, link types in brackets (``… (Blocks)``), sums written ``Σ …``."""
    names = [" ".join(c.strip().strip('"').split()).lower() for c in re.split(r"[,;\t]", header_line)]
    return sum(1 for n in names if n == "parent summary" or n.startswith("σ ")
               or n.endswith(("(blocks)", "(relates)", "(cloners)", "(duplicate)"))) >= 2


MAPPING_EXAMPLE = """key: Clave de incidencia      # the issue key (PROJ-12)
summary: Resumen
type: Tipo de Incidencia
status: Estado
created: Creada
resolved: Resuelta
description: Descripción
labels: Etiquetas
date_format: dd/MMM/yy h:mm a   # as the dates are written
locale: es                      # the language of month names"""


def language(header: list[str]) -> str | None:
    """The UI language the header's names are in (None: English or not told)."""
    names = {" ".join(h.split()).lower() for h in header}
    found = [lang for lang, cols in LOCALIZED.items() if cols["key"].lower() in names]
    return found[0] if found else None


def _links(table, row) -> list[tuple[str, str]]:
    links = []
    for name in dict.fromkeys(h for h in table.header if h.lower().startswith(("outward issue link (",
                                                                               "inward issue link ("))):
        kind = name.split("(", 1)[1].rstrip(")").strip()
        outward, inward = LINK_NAMES.get(kind.lower(), (kind.lower(), f"{kind.lower()} (inward)"))
        label = outward if name.lower().startswith("outward") else inward
        links += [(label, key) for key in table.many(row, name)]
    return links


def comment_text(cell: str) -> str:
    """The text of a Jira comment cell (``date;author;text``), or the cell as it is."""
    m = _COMMENT.match(cell)
    if m and re.search(r"\d", m.group("when")):
        return m.group("text").strip()
    return cell.strip()


def parse(text: str, file: str = "<jira export>", tz: tzinfo = timezone.utc) -> list[BacklogItem]:
    """Every issue in a Jira CSV export, or one ImportProblem listing every bad row."""
    return read(text, file, ReadOptions(tz=tz)).items


def read(text: str, file: str = "<jira export>", options: ReadOptions = ReadOptions()) -> ReadResult:
    """Every issue in a Jira CSV export: all or nothing, or (``options.skip_bad``) the good rows and the problems."""
    table = read_table(text, file, is_header=is_header)
    table.require(REQUIRED, "Jira CSV export")
    col = {f: table.find(*names) for f, names in COLUMNS.items()}
    fields = ("created", "resolved", "updated", "category_changed")
    every = [v for f in fields for v in table.values(col[f])]  # one site, one format: the file's dates tell together
    readers = {f: date_reader(table.values(col[f]), dates.JIRA, options, file, col[f], every) for f in fields}
    problems = ProblemList(file)
    items: list[BacklogItem] = []
    guessed = 0
    for row in table.check_widths(problems):
        when = {}
        for f in fields:
            raw = table.one(row, col[f])
            try:
                when[f] = readers[f].read(raw)
            except dates.DateProblem:
                problems.add(readers[f].message(raw), row=row.row, line=row.line, column=col[f],
                             hint=readers[f].hint(raw))
        key = table.one(row, col["key"])
        if not key:
            problems.add("the issue key is empty.", row=row.row, line=row.line, column=col["key"],
                         hint="every issue needs its key; export again with the key column.")
            continue
        summary = table.one(row, col["summary"])
        if not summary:
            problems.add("the summary is empty.", row=row.row, line=row.line, column=col["summary"],
                         hint="give the issue a summary in Jira (or in a copy of the export).")
        status, resolution = table.one(row, col["status"]), table.one(row, col["resolution"])
        resolved = when.get("resolved")
        if resolved is None and says_resolved(status, resolution, table.one(row, col["category"])):
            resolved = when.get("category_changed") or when.get("updated") or when.get("created")
            guessed += 1
        parent = next((table.one(row, c) for c in PARENT_COLUMNS if table.one(row, c)), "")
        items.append(BacklogItem(
            key=key, summary=summary, description=as_text(table.one(row, col["description"])),
            type=table.one(row, col["type"]), status=status, priority=table.one(row, col["priority"]),
            components=table.many(row, *COLUMNS["components"]), labels=table.many(row, *COLUMNS["labels"]),
            created=when.get("created"), resolved=resolved, links=_links(table, row), parent=parent,
            assignee=table.one(row, col["assignee"]), reporter=table.one(row, col["reporter"]),
            comments=[comment_text(c) for c in table.many(row, *COLUMNS["comments"])],
            provenance=Provenance(file, "jira", row.row, row.line, table.one(row, col["id"]))))
    require_unique_keys(items, problems, "issue key")
    kept, skipped = settle(items, problems, skip_bad=options.skip_bad, hint=HINT)
    require_items(kept, file, "issues")
    key_of = {it.provenance.original_id: it.key for it in kept if it.provenance.original_id}
    for it in kept:  # Parent holds the parent's issue id; the key is what people and links use
        it.parent = key_of.get(it.parent, it.parent)
    notes = list(table.notes)
    if guessed:
        why = f"no {COLUMNS['resolved'][0]!r} column" if col["resolved"] is None else f"{col['resolved']!r} empty"
        by = f"{col['category']!r} (else Status/Resolution)" if col["category"] else "Status/Resolution"
        dated = " or ".join(repr(col[f]) for f in ("category_changed", "updated", "created") if col[f])
        notes.append(f"{why}: {guessed} issue{'s' if guessed > 1 else ''} counted resolved from {by} "
                     f"(done or cancelled), dated by {dated}.")
    if lang := language(table.header):
        notes.append(f"column names read in the Jira UI language {lang!r}.")
    _note_dates(readers, notes)
    return ReadResult(kept, skipped, notes)


def _note_dates(readers: dict, notes: list[str]) -> None:
    langs = {r.detected_locale for r in readers.values() if r.detected_locale}
    if langs:
        notes.append(f"month names read as {', '.join(sorted(langs))} (say --locale to choose another).")
    note_other_styles(readers, notes)


def note_other_styles(readers: dict, notes: list[str]) -> None:
    """A note for each column where some dates were written in another style than the rest (03/05/24 among
    12/Mar/24): read, but worth a look."""
    for column, r in readers.items():
        if r.other_styles:
            n = sum(r.other_styles.values())
            order = "" if not set(r.other_styles) & dates.ONE_OF else \
                f", read {'day' if 'dmy' in r.other_styles else 'month'}-first"
            notes.append(f"{column!r}: {n} date{'s' if n > 1 else ''} written in another style than the rest of "
                         f"the column{order}; check them.")
