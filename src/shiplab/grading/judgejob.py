"""The notebook's side of judging (:mod:`shiplab.grading.judge`): what the judge runs, what the kernel runs, and
how their outputs make the graded notebook.

- :func:`judge_job`: from the instructor's **source** notebook, the cells the judge runs (locked set-up and helper
  cells, the values a solution cell gives, every test cell with its hidden part), the names the participant's
  answers define (the judge's proxies) and the files beside it;
- :func:`for_kernel`: the participant's notebook as their kernel runs it — test cells without their hidden part,
  then one cell that answers the judge;
- :func:`with_judged_outputs`: the restored notebook with the kernel's outputs for the participant's cells and the
  judge's for every test cell.
"""

from __future__ import annotations

import ast
import copy
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from nbgrader import utils

from shiplab.course.hidden import HIDDEN_RE
from shiplab.grading.sandbox import JudgeJob

SERVE_SOURCE = "import shiplab.grading.remote as _shiplab_remote; _shiplab_remote.serve(get_ipython().user_ns)"
NOT_RUN = "the tests of this cell did not run"


def is_test_cell(cell) -> bool:
    return cell.get("cell_type") == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try)


def _bound(node) -> list[str]:
    """The names a top-level statement binds in the cell's namespace (through ``if``/``for``/``with``/``try``
    blocks, never inside a function's or a class's body)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    names = []
    if isinstance(node, (ast.For, ast.AsyncFor)):
        names += [n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        names += [n.id for item in node.items if item.optional_vars is not None
                  for n in ast.walk(item.optional_vars) if isinstance(n, ast.Name)]
    if isinstance(node, COMPOUND):
        body = node.body + node.orelse if hasattr(node, "orelse") else list(node.body)
        if isinstance(node, ast.Try):
            body += node.finalbody + [s for handler in node.handlers for s in handler.body]
        for inner in body:
            names += _bound(inner)
    return names


def solution_names(source: str) -> tuple[list[str], str, list[str]]:
    """Of one source solution cell: the names the participant's answer defines (functions, classes, and values
    bound between the solution markers, in blocks too); the code of the values the lab *gives* in that cell
    (top-level assignments outside the markers, e.g. ``CLASSES = [...]``), which the judge runs itself, so a test
    iterating over them never gets what the participant's kernel chooses; and the names those given values bind.
    An assignment outside the markers that uses a name of the answer, or binds one the answer binds too (a default
    ``rows = []`` the answer replaces), is the answer's: its value is the kernel's
    (``MY_CASE_ROWS = record_part(…, rows)``)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return [], "", []
    lines = source.splitlines()
    marks = [n for n, line in enumerate(lines, 1) if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line]
    spans = list(zip(marks[::2], marks[1::2]))

    def inside(node) -> bool:
        end = getattr(node, "end_lineno", None) or node.lineno
        return any(node.lineno <= b and a <= end for a, b in spans)  # overlaps a solution span

    answer = {name for node in tree.body if inside(node) for name in _bound(node)}
    theirs, given, given_names = [], [], []
    for node in tree.body:
        found = _bound(node)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or inside(node):
            theirs += found
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            uses = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)} if node.value else set()
            if isinstance(node, ast.AugAssign) or uses & (answer | set(theirs)) or set(found) & answer:
                theirs += found
            else:
                given.append(ast.get_source_segment(source, node) or "")
                given_names += found
    return list(dict.fromkeys(theirs)), "\n".join(given), given_names


def judge_job(course_root: Path, assignment: str, notebook: str) -> JudgeJob | None:
    """The instructor's source notebook as the judge runs it (see the module's docstring). None when there is no
    source notebook, no test cell, or the notebook says ``"shiplab": {"judge": false}``."""
    folder = course_root / "source" / assignment
    path = folder / f"{notebook}.ipynb"
    if not path.is_file():
        return None
    source = nbformat.read(str(path), as_version=4)
    if source.metadata.get("shiplab", {}).get("judge") is False:
        return None
    cells, names, given_names = [], [], set()
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        if meta.get("solution"):
            theirs, given, bound = solution_names(cell.source)
            names += [n for n in theirs if n not in names]
            given_names.update(bound)
            if given:
                cells.append({"kind": "setup", "grade_id": f"{meta.get('grade_id', '')}-given", "source": given})
        elif meta.get("grade") or meta.get("locked"):
            cells.append({"kind": "test" if meta.get("grade") else "setup", "grade_id": meta.get("grade_id", ""),
                          "source": cell.source})
    if not any(c["kind"] == "test" for c in cells):
        return None
    files = {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*"))
             if p.is_file() and not p.is_symlink() and p.suffix != ".ipynb"}
    return JudgeJob(cells, [n for n in names if n not in given_names], files)


def for_kernel(nb: NotebookNode) -> dict:
    """The notebook the participant's kernel runs when a judge runs the tests: each test cell without its hidden
    part (what the participant saw), then one last cell that answers the judge."""
    sent = copy.deepcopy(dict(nb))
    sent["cells"] = [copy.deepcopy(c) for c in nb.cells]
    for cell in sent["cells"]:
        if is_test_cell(cell):
            cell["source"] = HIDDEN_RE.sub("", cell["source"])
    sent["cells"].append(nbformat.v4.new_code_cell(SERVE_SOURCE, metadata={"shiplab": {"serve": True}}))
    return sent


def with_judged_outputs(nb: NotebookNode, executed: dict, judged: dict | None, stuck: str | None = None) -> dict:
    """``nb`` (sources as restored, hidden tests included) with the kernel's outputs for its own cells and the
    judge's for every test cell; a test cell the judge did not run fails. ``stuck``: why the kernel never reached
    its last cell (a cell it did not come back from): a test cell the judge could not run for that says so."""
    judged = dict(judged or {})
    if stuck:
        note = f"your functions could not be tested: {stuck}"
        for grade_id, outputs in judged.items():
            if any(o.get("output_type") == "error" and o.get("ename") == "KernelGone" for o in outputs):
                judged[grade_id] = [NotebookNode(output_type="error", ename="NotGraded", evalue=note,
                                                 traceback=[f"NotGraded: {note}"])]
    out = copy.deepcopy(dict(nb))
    out["cells"] = [copy.deepcopy(c) for c in nb.cells]
    for mine, theirs in zip(out["cells"], executed["cells"]):
        if mine.get("cell_type") != "code":
            continue
        if is_test_cell(mine):
            grade_id = mine["metadata"]["nbgrader"]["grade_id"]
            mine["outputs"] = judged[grade_id] if grade_id in judged else [NotebookNode(
                output_type="error", ename="NotGraded", evalue=NOT_RUN, traceback=[f"NotGraded: {NOT_RUN}"])]
        else:
            mine["outputs"] = theirs.get("outputs", [])
        mine["execution_count"] = theirs.get("execution_count")
    return out
