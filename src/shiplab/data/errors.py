"""One error for every import problem: what was wrong, where, and how to fix it — never a half import."""

from __future__ import annotations

from shiplab.errors import ShiplabError

MAX_SHOWN = 20


class ImportProblem(ShiplabError):
    """The export could not be imported; nothing was imported. ``problems`` lists each one with its place."""

    def __init__(self, file: str, problems: list[str], *, hint: str | None = None):
        self.file, self.problems = file, problems
        shown = problems[:MAX_SHOWN]
        more = f"\n  … and {len(problems) - MAX_SHOWN} more" if len(problems) > MAX_SHOWN else ""
        head = f"{file}: " + (problems[0] if len(problems) == 1 else
                               f"{len(problems)} problems; nothing was imported:\n  " + "\n  ".join(shown) + more)
        if len(problems) == 1:
            head += " Nothing was imported."
        super().__init__(head, hint=hint)


class RowProblems:
    """Collects problems while rows are checked, then raises them all at once."""

    def __init__(self, file: str):
        self.file, self.items = file, []

    def add(self, message: str) -> None:
        self.items.append(message)

    def raise_if_any(self, hint: str | None = None) -> None:
        if self.items:
            raise ImportProblem(self.file, self.items, hint=hint)
