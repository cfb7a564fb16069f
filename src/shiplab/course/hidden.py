"""Hidden tests stay hidden: out of released notebooks, out of feedback.

nbgrader removes hidden tests from the released notebook, but restores them for autograding, and its feedback is
rendered from that autograded notebook — so the hidden source shows in feedback, and so does every traceback line
that quotes it. :class:`StripHiddenTests` (a feedback preprocessor, configured in ``graders/nbgrader_config.py``)
removes the hidden region from each test cell and cuts error outputs down to the exception and its message, which
is what teaches. :func:`assert_no_hidden` is the guard run over anything a participant receives.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from shiplab.errors import Exit, ShiplabError

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
HIDDEN_RE = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END), re.S)
PLACEHOLDER = "# (hidden tests ran here)"
TIMEOUT_MESSAGE = ("the tests ran longer than the per-cell time limit and were stopped: look for a loop that "
                   "never ends in the function they test")
ANSI_RE = re.compile(r"\x1b\[[0-9;]*m")


class HiddenTestsLeak(ShiplabError):
    """Hidden test source found in something a participant receives (nothing was handed out)."""

    def __init__(self, message: str):
        super().__init__(message, hint="nothing was handed out. Check that graders/nbgrader_config.py keeps "
                                       "ClearHiddenTests (release) and StripHiddenTests (feedback), and that "
                                       "hidden tests sit between '### BEGIN HIDDEN TESTS' and "
                                       "'### END HIDDEN TESTS' in autograded test cells.",
                         exit_code=Exit.HIDDEN_TESTS)


def _has_hidden(source: str) -> bool:
    return BEGIN in source


class StripHiddenTests(NbGraderPreprocessor):
    """Remove hidden-test source and traceback lines from a notebook before it is rendered as feedback."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not _has_hidden(cell.source):
            return cell, resources
        cell.source = HIDDEN_RE.sub(PLACEHOLDER, cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                message = ANSI_RE.sub("", out.get("evalue", "")).strip()
                if out.get("ename") == "CellTimeoutError":
                    message = message or TIMEOUT_MESSAGE
                out["traceback"] = [f"{out.get('ename', 'Error')}: {message or 'a test failed'}"]
        return cell, resources


def hidden_snippets(notebook_path: Path, min_len: int = 12) -> list[str]:
    """The lines of hidden test code in a source notebook that appear nowhere else in it (so finding one in a
    participant's file means a leak, not a shared line such as ``except ValueError as e:``)."""
    nb = nbformat.read(str(notebook_path), as_version=4)
    visible = "\n".join(HIDDEN_RE.sub("", c.source) for c in nb.cells)
    snippets = []
    for cell in nb.cells:
        for block in re.findall(re.escape(BEGIN) + r"(.*?)" + re.escape(END), cell.source, re.S):
            snippets += [line.strip() for line in block.splitlines()
                         if len(line.strip()) >= min_len and line.strip() not in visible]
    return snippets


def _visible_text(text: str) -> str:
    """What a reader sees: tags (syntax-highlighting spans) removed, entities decoded."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", text))


def assert_no_hidden(paths: list[Path], snippets: list[str]) -> None:
    """Raise :class:`HiddenTestsLeak` if any hidden-test line or delimiter appears in any of ``paths``."""
    for path in paths:
        raw = path.read_text(encoding="utf-8", errors="replace")
        text = _visible_text(raw) if path.suffix.lower() in (".html", ".htm") else raw
        if "BEGIN HIDDEN TESTS" in text:
            raise HiddenTestsLeak(f"{path} contains the hidden-test delimiter")
        for snippet in snippets:
            if snippet in text:
                raise HiddenTestsLeak(f"{path} contains hidden test code: {snippet[:60]!r}")


def files_under(*folders: Path) -> list[Path]:
    """Every file below ``folders`` (missing folders are skipped): what a guard scans."""
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())
