"""Is a lab folder something nbgrader can build? Checked before nbgrader runs, so a mistake reads as a sentence
that names the lab, the notebook, the cell and the fix — not as a traceback from inside a converter.

Checks: the lab exists (else "did you mean …"), it holds a notebook, each notebook is valid JSON, each cell's
nbgrader metadata passes nbgrader's own validator (:mod:`nbgrader.nbgraderformat`), grade ids are unique, and the
solution and hidden-test markers come in pairs in the cells where nbgrader expects them.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import jsonschema
import nbformat
from nbgrader.nbgraderformat import MetadataValidator
from nbgrader.nbgraderformat.common import SchemaMismatchError

from shiplab.course import paths
from shiplab.errors import ShiplabError

METADATA_HELP = ("in JupyterLab open the notebook, choose View → Activate Command Palette → 'Create Assignment' "
                 "(nbgrader's cell toolbar) and set the cell's type, id and points there; or edit "
                 "metadata.nbgrader of that cell in the .ipynb (nbgrader's metadata format, schema version 3).")
PAIRS = (("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))


class LabError(ShiplabError):
    """A lab folder nbgrader cannot build; the message names the file and cell, the hint the fix."""


def find_lab(lab: str, labs_dir: Path = paths.LABS_DIR) -> Path:
    """The folder of ``lab``, or a :class:`LabError` suggesting the closest lab id."""
    folder = labs_dir / lab
    if folder.is_dir() and lab not in ("", ".", ".."):
        return folder
    known = paths.lab_ids(labs_dir)
    close = difflib.get_close_matches(lab, known, n=1, cutoff=0.5)
    hint = (f"did you mean {close[0]!r}? " if close else "") + (
        f"labs: {', '.join(known)}." if known else f"{labs_dir} holds no lab yet.")
    raise LabError(f"there is no lab {lab!r} in {labs_dir}.", hint=hint)


def check_lab(lab: str, labs_dir: Path = paths.LABS_DIR) -> list[Path]:
    """The lab's notebooks, each checked as described in the module docstring; raise :class:`LabError` if not."""
    folder = find_lab(lab, labs_dir)
    notebooks = sorted(p for p in folder.glob("*.ipynb"))
    if not notebooks:
        raise LabError(f"lab {lab!r} has no notebook in {folder}.",
                       hint=f"add the lab's notebook as {folder / (lab + '.ipynb')} (with nbgrader cell metadata).")
    for nb_path in notebooks:
        check_notebook(nb_path)
    return notebooks


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a notebook, turning broken JSON into a sentence with the line and column."""
    try:
        text = path.read_text(encoding="utf-8")
        json.loads(text)  # for the line and column of a JSON mistake (nbformat hides them)
        return nbformat.reads(text, as_version=4)
    except json.JSONDecodeError as exc:
        raise LabError(f"{path} is not valid notebook JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}).",
                       hint="undo the last hand edit (`git diff` shows it) or re-save the notebook from "
                            "JupyterLab.") from None
    except (UnicodeDecodeError, nbformat.reader.NotJSONError, KeyError, AttributeError) as exc:
        raise LabError(f"{path} is not a notebook nbformat can read ({type(exc).__name__}: {exc}).",
                       hint="re-save it from JupyterLab.") from None


def check_notebook(path: Path) -> nbformat.NotebookNode:
    """One notebook: readable, valid nbgrader metadata per cell, unique grade ids, markers in pairs."""
    nb = read_notebook(path)
    validator = MetadataValidator()
    seen: dict[str, int] = {}
    for index, cell in enumerate(nb.cells, start=1):
        meta = cell.get("metadata", {}).get("nbgrader")
        where = _where(path, index, cell)
        if meta is not None:
            try:
                validator.upgrade_cell_metadata(cell)
                validator.validate_cell(cell)
            except (jsonschema.ValidationError, SchemaMismatchError) as exc:
                raise LabError(f"{where}: invalid nbgrader metadata: {_first_line(exc)}.", hint=METADATA_HELP) from None
            gid = meta.get("grade_id")
            if gid and (meta.get("grade") or meta.get("solution") or meta.get("locked")):
                if gid in seen:
                    raise LabError(f"{where}: grade id {gid!r} is used again (first in cell {seen[gid]}).",
                                   hint="give every graded, solution or locked cell its own grade id.")
                seen[gid] = index
        _check_markers(where, cell, meta or {})
    return nb


def _check_markers(where: str, cell, meta: dict) -> None:
    source = cell.get("source", "")
    for begin, end in PAIRS:
        if source.count(begin) != source.count(end):
            raise LabError(f"{where}: {begin!r} and {end!r} do not pair up "
                           f"({source.count(begin)} begin, {source.count(end)} end).",
                           hint=f"close every {begin!r} with {end!r} in the same cell.")
    if PAIRS[0][0] in source and not meta.get("solution"):
        raise LabError(f"{where}: has solution markers but is not a solution cell, so the solution would be "
                       "released to participants.", hint="mark the cell 'Autograded answer' (solution) — "
                       + METADATA_HELP)
    if PAIRS[1][0] in source and not meta.get("grade"):
        raise LabError(f"{where}: has hidden tests but is not an autograded test cell.",
                       hint="mark the cell 'Autograder tests' with points — " + METADATA_HELP)


def _where(path: Path, index: int, cell) -> str:
    gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    first = next((line.strip() for line in cell.get("source", "").splitlines() if line.strip()), "")
    label = f"grade id {gid!r}, " if gid else ""
    return f"{path.name}, cell {index} ({cell.get('cell_type', '?')}, {label}starts {first[:40]!r})"


def _first_line(exc: Exception) -> str:
    return str(getattr(exc, "message", exc)).splitlines()[0].rstrip(".")
