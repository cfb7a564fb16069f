"""One rule for every CSV a person may open in a spreadsheet (the board's grades, the tracker's plans and lessons, a
participant's exported backlog): a cell that starts like a formula gets a leading apostrophe, so Excel, LibreOffice
and Google Sheets show it as text instead of running it (OWASP's CSV-injection advice). A leading apostrophe is
itself escaped with one more, so :func:`unsafe_cell` undoes :func:`safe_cell` exactly and an exported backlog
imports back to the same items."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str | int | float:
    """``value`` as a spreadsheet-inert cell: numbers stay numbers, yes/no for booleans, "" for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS + ("'",)) else text


def unsafe_cell(text: str) -> str:
    """Undo :func:`safe_cell` on a cell read back from a CSV."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS + ("'",)) else text
