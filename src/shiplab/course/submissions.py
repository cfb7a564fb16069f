"""What is wrong with a participant's submission, in words an instructor can pass on.

nbgrader grades what it can: a locked test cell a participant edited is restored from the gradebook before
grading, a missing notebook scores zero, a cell that runs past ``Execute.timeout`` is interrupted and counted as
failed. It does not say so in the result, and a notebook that is not JSON at all stops its run with a traceback.
:func:`before_grading` reads a submission first (and refuses only what nbgrader cannot grade);
:func:`after_grading` reads the graded notebook for the cells that timed out.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

TIMEOUT_NAMES = ("CellTimeoutError", "TimeoutError", "DeadKernelError")


class Unreadable(Exception):
    """The submission cannot be graded at all; the message says why and what the participant should do."""


def _cells_by_id(nb) -> dict[str, dict]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
            if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}


def before_grading(submitted: Path, released: Path) -> list[str]:
    """Notes on a submission folder compared with the released lab; raise :class:`Unreadable` if it cannot be
    graded (a notebook that is not JSON)."""
    notes = []
    for rel_nb in sorted(released.glob("*.ipynb")):
        sub_nb = submitted / rel_nb.name
        if not sub_nb.exists():
            notes.append(f"{rel_nb.name} was not submitted: it scores 0")
            continue
        try:
            text = sub_nb.read_text(encoding="utf-8")
            json.loads(text)
            nb = nbformat.reads(text, as_version=4)
        except json.JSONDecodeError as exc:
            raise Unreadable(f"{rel_nb.name} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}): "
                             "not graded; ask the participant to open the lab, save it, and submit again") from None
        except Exception as exc:  # nbformat raises several types for JSON that is not a notebook
            raise Unreadable(f"{rel_nb.name} is not a notebook ({type(exc).__name__}): not graded; ask the "
                             "participant to fetch the lab again, copy their answers in, and submit") from None
        released_cells = _cells_by_id(nbformat.read(str(rel_nb), as_version=4))
        mine = _cells_by_id(nb)
        missing = [gid for gid, c in released_cells.items() if c.metadata["nbgrader"].get("grade") and gid not in mine]
        if missing:
            notes.append(f"{rel_nb.name}: test cell(s) {', '.join(missing)} deleted: those tests score 0")
        edited = [gid for gid, c in released_cells.items()
                  if c.metadata["nbgrader"].get("locked") and gid in mine and mine[gid].source != c.source]
        if edited:
            notes.append(f"{rel_nb.name}: locked cell(s) {', '.join(edited)} edited: restored before grading")
    return notes


def after_grading(autograded: Path) -> list[str]:
    """Notes on a graded submission folder: the cells that were cut off by the per-cell timeout."""
    notes = []
    for nb_path in sorted(autograded.glob("*.ipynb")):
        try:
            nb = nbformat.read(str(nb_path), as_version=4)
        except Exception:  # noqa: BLE001 -- nothing more to learn from a file nbgrader wrote itself
            continue
        for index, cell in enumerate(nb.cells, start=1):
            for out in cell.get("outputs", []):
                if out.get("output_type") == "error" and out.get("ename") in TIMEOUT_NAMES:
                    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
                    notes.append(f"{nb_path.name}: cell {index}{f' ({gid})' if gid else ''} ran past the per-cell "
                                 "timeout and was interrupted: it counts as failed")
    return notes
