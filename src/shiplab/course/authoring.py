"""Writing a lab's notebook as a Python file in percent format, so a review reads as code and a diff as a diff.

Each lab keeps its notebook's source in ``labs/<lab-id>/<lab-id>.pct.py``: cells separated by ``# %%`` lines, as
jupytext's percent format and VS Code / PyCharm / Spyder write them (the editors highlight each cell as Python and
run it on its own). ``shiplab course render [LAB…]`` writes ``labs/<lab-id>/<lab-id>.ipynb`` from it (committed
without outputs); ``--check`` only says whether they agree, as the lab tests do (:func:`render` is deterministic).
The source holds the solutions and hidden tests: no copy of a lab folder takes it (``paths.LAB_SOURCE_GLOB``).

Each cell starts with one header line; what follows it, up to the next header, is the cell's text (leading and
trailing blank lines dropped). A markdown cell's lines are comments (``# `` before each line, ``#`` alone for an
empty one), so the whole file is valid Python and a linter reads the code cells in notebook order:

=====================================  =============================================================================
``# %% [markdown] <grade_id>``          task text participants cannot edit away (:func:`text`: locked markdown)
``# %% code <grade_id>``                code participants run as given: imports, data, helpers (:func:`code`: locked)
``# %% free <grade_id>``                code participants may change: exploration, scratch (:func:`free`: unlocked)
``# %% solution <grade_id>``            the instructor's answer between the solution markers (:func:`solution`)
``# %% tests <grade_id> points=<n>``    an autograded, locked test cell worth ``n`` points (:func:`tests`)
=====================================  =============================================================================

``<grade_id>`` is nbgrader's grade id (also the cell's id, with ``-`` for ``_``). The lines before the first header
are the file's docstring and notes, not part of the notebook; one of them may read ``# shiplab: judge=false``
(:func:`notebook`'s ``judge``).

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

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from shiplab.course.paths import LAB_SOURCE_GLOB, LAB_SOURCE_SUFFIX
from shiplab.errors import ShiplabError

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HEADER = re.compile(r"^# ?%%(?=$|\s)")  # as the editors read it: `# %%` or `#%%` opens a cell
JUDGE_OFF = "# shiplab: judge=false"
GRADE_ID = re.compile(r"^[A-Za-z0-9_]+$")


class SourceError(ShiplabError):
    """A lab source that cannot be rendered; the message names the file and line."""


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
    """The notebook's file text: deterministic, so the committed file can be compared with its source."""
    nb = notebook(cells, judge)
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


# ---- the percent-format source

def reference_answers(notebook_file: str | Path) -> dict[str, str]:
    """grade_id -> the instructor's answer in each solution cell of a rendered notebook, as a participant would type
    it (the lines of the solution markers left out): what the tests, the benchmarks and a rehearsal hand in."""
    nb = nbformat.read(str(notebook_file), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: "\n".join(
        line for line in c.source.splitlines() if BEGIN_SOLUTION not in line and END_SOLUTION not in line)
        for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def source_path(lab_dir: str | Path) -> Path:
    """``labs/<lab-id>/<lab-id>.pct.py``: the notebook's source in the lab folder ``lab_dir``."""
    folder = Path(lab_dir)
    return folder / f"{folder.name}{LAB_SOURCE_SUFFIX}"


def notebook_path(lab_dir: str | Path) -> Path:
    """``labs/<lab-id>/<lab-id>.ipynb``: the notebook rendered from the source in ``lab_dir``."""
    folder = Path(lab_dir)
    return folder / f"{folder.name}.ipynb"


def source_labs(labs_dir: Path) -> list[str]:
    """Every lab folder of ``labs_dir`` that holds a percent-format source, sorted."""
    return sorted(p.parent.name for p in labs_dir.glob(f"*/{LAB_SOURCE_GLOB}") if p.name == source_path(p.parent).name)


def _header(line: str, where: str):
    """(helper, grade id, options) for a cell's header line."""
    words = HEADER.sub("", line).split()
    kind, words = (words[0], words[1:]) if words else ("", [])
    kind = "text" if kind == "[markdown]" else ("" if kind == "text" else kind)
    if kind not in ("text", "code", "free", "solution", "tests"):
        raise SourceError(f"{where}: {line.strip()!r} names no cell kind",
                          hint="start the cell with `# %% [markdown] <id>`, `# %% code <id>`, `# %% free <id>`, "
                               "`# %% solution <id>` or `# %% tests <id> points=<n>`")
    if not words or not GRADE_ID.match(words[0]):
        raise SourceError(f"{where}: the {kind} cell needs a grade id (letters, digits, _) after its kind")
    options = dict(w.partition("=")[::2] for w in words[1:])
    allowed = {"points"} if kind == "tests" else set()
    if set(options) != allowed or any(not v for v in options.values()):
        raise SourceError(f"{where}: a {kind} cell takes " + ("`points=<n>` and nothing else" if allowed
                                                             else "no options") + f", not {words[1:]}")
    if "points" in options:
        try:
            options["points"] = int(options["points"]) if options["points"].isdigit() else float(options["points"])
        except ValueError:
            raise SourceError(f"{where}: points={options['points']} is not a number") from None
    return {"text": text, "code": code, "free": free, "solution": solution, "tests": tests}[kind], words[0], options


def _markdown(lines: list[str], where: str, start: int) -> str:
    out = []
    for n, line in enumerate(lines, start):
        if line and line != "#" and not line.startswith("# "):
            raise SourceError(f"{where}, line {n}: a markdown cell's lines are comments (`# ` before the text)")
        out.append(line[2:])
    return "\n".join(out)


def parse_source(source: str, name: str = "<source>") -> tuple[list, bool]:
    """The cells of a percent-format source and its ``judge`` flag; a :class:`SourceError` says where it is wrong."""
    lines = source.split("\n")
    starts = [i for i, line in enumerate(lines) if HEADER.match(line)]
    if not starts:
        raise SourceError(f"{name} has no cells", hint="start each cell with a `# %% …` line (see "
                                                      "shiplab.course.authoring)")
    judge = JUDGE_OFF not in (line.strip() for line in lines[:starts[0]])
    cells, seen = [], set()
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        where = f"{name}, line {start + 1}"
        helper, grade_id, options = _header(lines[start], where)
        if grade_id in seen:
            raise SourceError(f"{where}: grade id {grade_id!r} is used twice")
        seen.add(grade_id)
        body = lines[start + 1:end]
        body = _markdown(body, name, start + 2) if helper is text else "\n".join(body)
        try:
            cells.append(helper(grade_id, body, **options))
        except ValueError as exc:
            raise SourceError(f"{where}: {exc}") from None
    return cells, judge


def read_source(path: str | Path) -> tuple[list, bool]:
    """:func:`parse_source` of the file ``path``."""
    path = Path(path)
    return parse_source(path.read_text(encoding="utf-8"), str(path))


def render_source(path: str | Path) -> str:
    """The notebook text the percent-format source at ``path`` renders to."""
    return render(*read_source(path))


def _kind(cell) -> str:
    """The header of ``cell`` (one the helpers made), e.g. ``tests test_x points=2``."""
    meta = cell.metadata.get("nbgrader", {})
    grade_id = meta.get("grade_id", "")
    flags = (cell.cell_type, meta.get("grade"), meta.get("solution"), meta.get("locked"))
    kinds = {("markdown", False, False, True): "[markdown]", ("code", False, False, True): "code",
             ("code", False, False, False): "free", ("code", False, True, False): "solution",
             ("code", True, False, True): "tests"}
    if flags not in kinds or meta.get("task") or cell.get("id") != _cell_id(grade_id):
        raise SourceError(f"cell {grade_id or cell.get('id')!r} is none of the kinds a source can write: {flags}")
    kind = f"{kinds[flags]} {grade_id}"
    return f"{kind} points={meta['points']!r}" if meta.get("grade") else kind


def write_source(cells: list, judge: bool = True, preamble: str = "") -> str:
    """The percent-format source of ``cells`` (as the helpers make them): :func:`parse_source` gives them back."""
    parts = [preamble.strip() + "\n"] if preamble.strip() else []
    if not judge:
        parts.append(JUDGE_OFF + "\n")
    for cell in cells:
        lines = cell.source.split("\n")
        if cell.cell_type == "markdown":
            lines = [f"# {line}" if line else "#" for line in lines]
        clash = [line for line in lines if HEADER.match(line)]
        if clash:
            raise SourceError(f"cell {cell.metadata['nbgrader']['grade_id']!r} has a line a source reads as a new "
                              f"cell: {clash[0]!r}")
        parts.append(f"# %% {_kind(cell)}\n" + "\n".join(lines) + "\n")
    return "\n".join(parts)


def render_lab(lab_dir: str | Path, *, check: bool = False) -> bool:
    """Write the lab's notebook from its source (``check``: write nothing); whether the notebook was up to date."""
    folder = Path(lab_dir)
    source = source_path(folder)
    if not source.is_file():
        raise SourceError(f"{folder} has no notebook source {source.name}",
                          hint=f"write the lab's cells in {source} (percent format, see shiplab.course.authoring)")
    rendered = render_source(source)
    target = notebook_path(folder)
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if current != rendered and not check:
        target.write_text(rendered, encoding="utf-8")
    return current == rendered

