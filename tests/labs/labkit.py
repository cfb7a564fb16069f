"""What the lab tests share: which labs there are, their notebooks and sources, and a participant's submission
made from the instructor's notebook (solutions filled in) or the released stub (left as it is)."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from shiplab.course import authoring
from shiplab.course.paths import GRADERS_DIR, LABS_DIR

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def lab_ids() -> list[str]:
    """Every full-day lab folder (``labs/lab*``), in day order: new labs are picked up as they appear."""
    return sorted(p.name for p in LABS_DIR.glob("lab*") if p.is_dir())


def notebook_path(lab: str) -> Path:
    return LABS_DIR / lab / f"{lab}.ipynb"


def read(lab: str) -> nbformat.NotebookNode:
    return nbformat.read(str(notebook_path(lab)), as_version=4)


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def source_path(lab: str) -> Path:
    """``labs/<lab>/<lab>.pct.py``: the notebook's source (percent format, :mod:`shiplab.course.authoring`)."""
    return authoring.source_path(LABS_DIR / lab)


def source_cells(lab: str) -> dict[str, str]:
    """Each cell's text by grade id, as the lab's source writes it (and its notebook holds it)."""
    cells, _ = authoring.read_source(source_path(lab))
    return {meta(c)["grade_id"]: c.source for c in cells}


def exercises(nb) -> list[tuple[object, list]]:
    """(solution cell, the test cells after it and before the next solution cell), in notebook order."""
    out: list[tuple[object, list]] = []
    for cell in nb.cells:
        if meta(cell).get("solution"):
            out.append((cell, []))
        elif meta(cell).get("grade") and out:
            out[-1][1].append(cell)
    return out


def unmarked(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if not any(m in line for m in MARKERS))


def file_submission(course, lab: str, student: str, *, solved: bool) -> Path:
    """Put ``student``'s submission of ``lab`` where nbgrader's autograde reads it: the released folder, with the
    instructor's answers typed into the solution cells when ``solved``, else untouched (the stub)."""
    released = course.dir / "release" / lab
    dest = course.dir / "submitted" / student / lab
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(released, dest)
    if solved:
        answers = {meta(c)["grade_id"]: unmarked(c.source) for c in read(lab).cells if meta(c).get("solution")}
        nb_file = dest / f"{lab}.ipynb"
        nb = nbformat.read(str(nb_file), as_version=4)
        for cell in nb.cells:
            if meta(cell).get("grade_id") in answers:
                cell.source = answers[meta(cell)["grade_id"]]
        nbformat.write(nb, str(nb_file))
        record = GRADERS_DIR / lab / "my-case.json"  # the participant's "apply to my case" record, handed in too
        if record.exists():
            shutil.copy2(record, dest / record.name)
    return dest
