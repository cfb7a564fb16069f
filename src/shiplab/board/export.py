"""The grades as CSV, safe to open in a spreadsheet: one row per participant and lab.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break is a formula to Excel and LibreOffice (CSV
injection): it gets a leading apostrophe, which spreadsheets show as text. Scores stay numbers.
"""

from __future__ import annotations

import csv
import io

from shiplab.board.model import Board
from shiplab.web.sheets import safe_cell

COLUMNS = ("username", "full_name", "team", "lab", "state", "score", "max_score", "exercises_passed",
           "exercises", "submitted_at", "note", "my_case")


def grades_csv(board: Board) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for row in board.rows:
        m = row.member
        for lab, cell in zip(board.labs, row.cells):
            passed = sum(1 for ok in cell.exercises.values() if ok) if cell.exercises else None
            w.writerow([safe_cell(v) for v in (
                m.username, m.full_name, m.team, lab.name, cell.state, cell.score, cell.max_score, passed,
                len(lab.exercises), cell.submitted_at.isoformat() if cell.submitted_at else None, cell.note, cell.my_case)])
    return out.getvalue()
