"""A NameError for a name the lab defines in a cell not run yet says which cell to run (an IPython extension).

Skipping a helper cell (the set-up cell with ``check_returns``, a solution cell above) used to end in a bare
``NameError: name 'check_returns' is not defined``. In participants' kernels (the server extension puts
``kernels/python3`` — ipykernel's spec plus ``--ext=shiplab.labext.kernelhints`` — first on the kernel path) a NameError is looked up in the notebook the kernel
runs (``JPY_SESSION_NAME``, set by jupyter_server): if one of its cells defines the name, the message names that
cell — its number and first line — and says to run it, or *Run → Run All Above Selected Cell*.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path


def _defines(source: str) -> set[str]:
    """Names a cell binds at its top level (def, class, assignment, import, for, with)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        else:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    names.add(sub.id)
    return names


def defining_cell(notebook: Path, name: str) -> tuple[int, str] | None:
    """(1-based number among the code cells, first non-empty line) of the first code cell defining ``name``."""
    try:
        nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    code_cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for number, cell in enumerate(code_cells, start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if name in _defines(source):
            first = next((line.strip() for line in source.splitlines() if line.strip()), "")
            return number, first[:80]
    return None


def hint(name: str, notebook: Path | None) -> str:
    """The sentence added to the NameError, or '' when the notebook does not define ``name``."""
    found = defining_cell(notebook, name) if notebook else None
    if found is None:
        return ""
    number, first = found
    return (f" — it is defined in code cell {number} of this notebook ({first!r}), which has not run in this "
            "kernel yet. Run that cell (or Run → Run All Above Selected Cell), then this one again.")


def _notebook() -> Path | None:
    session = os.environ.get("JPY_SESSION_NAME")
    if not session or not session.endswith(".ipynb"):
        return None
    path = Path(session)
    return path if path.is_absolute() else Path.cwd() / path.name


def load_ipython_extension(shell) -> None:
    def on_name_error(shell, etype, evalue, tb, tb_offset=None):
        name = getattr(evalue, "name", None)
        extra = hint(name, _notebook()) if name else ""
        if extra:
            evalue = NameError(f"{evalue}{extra}", name=name)
        shell.showtraceback((etype, evalue, tb), tb_offset=tb_offset)

    shell.set_custom_exc((NameError,), on_name_error)
