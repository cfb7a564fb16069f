"""One error for every import problem: what was wrong, where (file, row, column), and how to fix it.

An import is all-or-nothing by default (the graded path). Importers check every row first and collect what is wrong
in a :class:`ProblemList`; if anything is, they raise a single :class:`ImportProblem` that lists the first
:data:`MAX_SHOWN` problems (and how many more there are). Nothing is returned half-done, so a caller never has to
undo a partial import.

A participant exploring their own export asks for ``skip_bad=True`` instead: :func:`settle` then leaves out only the
rows that have a problem and returns those problems (row, column, value, how to fix), so they can be shown and
counted — a row is never dropped without its reason. Problems of the whole file (not CSV, a missing column) refuse
the file either way, and so does a file none of whose rows can be read.

``str(ImportProblem)`` is the sentence a person reads::

    backlog.csv, row 7 (line 9), column 'Created': cannot read the date 'yesterday' (expected e.g. …). Nothing was
    imported.
      How to fix: correct the value in the export (or a copy of it) and import again.
"""

from __future__ import annotations

from dataclasses import dataclass

from shiplab.errors import ShiplabError

MAX_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with its place. ``row`` is the spreadsheet row (header = row 1) or the JSON item number."""

    message: str
    row: int | None = None
    line: int | None = None
    column: str | None = None
    unit: str = "row"  # "item" in a JSON file
    hint: str | None = None  # how to fix this one (shown when the row is skipped rather than the file refused)

    def where(self) -> str:
        parts = []
        if self.row is not None:
            line = f" (line {self.line})" if self.line not in (None, self.row) else ""
            parts.append(f"{self.unit} {self.row}{line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message

    def advice(self) -> str:
        """The problem and how to fix it, as one line (for a row that was skipped)."""
        return f"{self} How to fix: {self.hint}" if self.hint else str(self)


class ImportProblem(ShiplabError):
    """The file could not be imported and nothing was imported.

    ``file``, ``line``, ``row`` and ``column`` say where (the first problem's place when there are several);
    ``problems`` holds every :class:`Problem` found; ``hint`` says how to fix it.
    """

    def __init__(self, message: str, *, file: str, line: int | None = None, column: str | None = None,
                 hint: str | None = None, row: int | None = None, problems: list[Problem] | None = None):
        self.file, self.line, self.row, self.column = str(file), line, row, column
        self.problems = list(problems) if problems else [Problem(message, row, line, column)]
        self.reason = message
        super().__init__(self._render(message), hint=hint)

    def _render(self, message: str) -> str:
        if len(self.problems) == 1:
            where = self.problems[0].where()
            return f"{self.file}{', ' + where if where else ''}: {message} Nothing was imported."
        shown = "\n  ".join(f"- {p}" for p in self.problems[:MAX_SHOWN])
        more = len(self.problems) - MAX_SHOWN
        tail = f"\n  … and {more} more problem{'s' if more > 1 else ''}" if more > 0 else ""
        return f"{self.file}: {message}\n  {shown}{tail}"


class ProblemList:
    """Collects problems while rows are checked, then raises them together as one :class:`ImportProblem`."""

    def __init__(self, file: str, unit: str = "row"):
        self.file, self.unit = str(file), unit
        self.items: list[Problem] = []

    def add(self, message: str, *, row: int | None = None, line: int | None = None,
            column: str | None = None, hint: str | None = None) -> None:
        self.items.append(Problem(message, row, line, column, self.unit, hint))

    def rows(self) -> set[int]:
        """The rows (items) that have a problem."""
        return {p.row for p in self.items if p.row is not None}

    def __len__(self) -> int:
        return len(self.items)

    def raise_if_any(self, hint: str | None = None) -> None:
        if not self.items:
            return
        own = list(dict.fromkeys(p.hint for p in self.items if p.hint))
        if own:
            hint = " ".join(own[:2] + ([hint] if hint and len(own) == 1 and hint not in own else []))
        if len(self.items) == 1:
            p = self.items[0]
            raise ImportProblem(p.message, file=self.file, row=p.row, line=p.line, column=p.column, hint=hint,
                                problems=self.items)
        first = self.items[0]
        raise ImportProblem(f"{len(self.items)} problems; nothing was imported:", file=self.file, row=first.row,
                            line=first.line, column=first.column, hint=hint, problems=self.items)


def settle(items: list, problems: ProblemList, *, skip_bad: bool, hint: str) -> tuple[list, list[Problem]]:
    """``items`` when there is no problem; else refuse the file (strict) or drop the problem rows (``skip_bad``).

    Returns the items kept and the problems of the rows left out. A problem that belongs to no row refuses the file
    even with ``skip_bad``; so does a file in which every row has a problem.
    """
    if not problems.items:
        return items, []
    bad = problems.rows()
    if not skip_bad or any(p.row is None for p in problems.items):
        problems.raise_if_any(hint=hint)
    kept = [it for it in items if it.provenance is None or it.provenance.row not in bad]
    if not kept:
        problems.raise_if_any(hint=hint)
    return kept, list(problems.items)
