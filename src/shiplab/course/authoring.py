"""Writing a lab's notebook as Python, so a review reads as code and a diff reads as a diff.

Each lab keeps its notebook's source in ``labs/<lab-id>/make_notebook.py``: a list of cells made with
:func:`text`, :func:`code`, :func:`solution` and :func:`tests`, handed to :func:`main`. ``python
labs/<lab-id>/make_notebook.py`` rewrites ``labs/<lab-id>/<lab-id>.ipynb`` (committed without outputs); the lab
tests check that the two agree (:func:`render` is deterministic).

Conventions shared by every lab (checked by ``tests/labs``):

- solution cells mark the instructor's answer with ``### BEGIN SOLUTION`` / ``### END SOLUTION``; nbgrader
  replaces it with ``raise NotImplementedError()`` in the released copy;
- test cells hold visible tests, then hidden tests between ``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS``,
  and use the checks in ``graders/shiplab_checks.py``;
- plausible wrong answers live in ``graders/<lab-id>/wrong_answers/<grade_id>__<what-is-wrong>.py``: each file is
  the whole source of solution cell ``<grade_id>`` as a participant might write it, wrong; the lab's tests must
  reject (fail at least one test cell of) at least 95% of them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _cell_id(grade_id: str) -> str:
    return grade_id.replace("_", "-")


def text(grade_id: str, source: str):
    """A locked markdown cell (task text participants cannot edit away)."""
    return new_markdown_cell(source.strip(), id=_cell_id(grade_id), metadata=_meta(grade_id, locked=True))


def code(grade_id: str, source: str, *, locked: bool = True):
    """A code cell participants run as given (imports, data loading, exploration); locked by default."""
    return new_code_cell(source.strip(), id=_cell_id(grade_id), metadata=_meta(grade_id, locked=locked))


def free(grade_id: str, source: str):
    """An unlocked, ungraded code cell: a scratch space or an exploration participants are meant to change."""
    return new_code_cell(source.strip(), id=_cell_id(grade_id), metadata=_meta(grade_id))


def solution(grade_id: str, source: str):
    """A solution cell; ``source`` must contain the solution markers around the instructor's answer."""
    body = source.strip()
    if BEGIN_SOLUTION not in body or END_SOLUTION not in body:
        raise ValueError(f"solution cell {grade_id!r} needs {BEGIN_SOLUTION} / {END_SOLUTION} around the answer")
    return new_code_cell(body, id=_cell_id(grade_id), metadata=_meta(grade_id, solution=True))


def tests(grade_id: str, source: str, points: float):
    """An autograded, locked test cell worth ``points``; hidden tests between the hidden-test markers."""
    body = source.strip()
    if (BEGIN_HIDDEN in body) != (END_HIDDEN in body):
        raise ValueError(f"test cell {grade_id!r} opens or closes hidden tests without the other marker")
    return new_code_cell(body, id=_cell_id(grade_id), metadata=_meta(grade_id, grade=True, locked=True,
                                                                       points=points))


def notebook(cells: list, judge: bool = True) -> nbformat.NotebookNode:
    """``judge=False``: the grading worker runs this notebook's tests inside the participant's kernel, as nbgrader
    does, instead of in the judge (:mod:`shiplab.grading.judge`) — for a lab whose tests the judge cannot run yet."""
    nb = new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    if not judge:
        nb.metadata["shiplab"] = {"judge": False}
    return nb


def render(cells: list, judge: bool = True) -> str:
    """The notebook's file text: deterministic, so the committed file can be compared with its generator."""
    nb = notebook(cells, judge)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def notebook_path(generator: str | Path) -> Path:
    """``labs/<lab-id>/<lab-id>.ipynb`` for the generator ``labs/<lab-id>/make_notebook.py``."""
    folder = Path(generator).resolve().parent
    return folder / f"{folder.name}.ipynb"


def main(generator: str | Path, cells: list, judge: bool = True) -> None:
    """Write the lab's notebook next to its generator (call from ``if __name__ == "__main__"``)."""
    path = notebook_path(generator)
    path.write_text(render(cells, judge), encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
