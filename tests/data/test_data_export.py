"""Exports a spreadsheet cannot run, written whole or not at all."""

import csv
import io

import pytest
from datahelp import FIXTURES

from shiplab.data import load_backlog
from shiplab.data.export import items_to_csv, write_atomic, write_records
from shiplab.web.sheets import safe_cell, unsafe_cell

EVIL = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "'=1", "'plain"]


@pytest.mark.parametrize("value", EVIL)
def test_formula_starts_get_an_apostrophe_and_come_back(value):
    """Does a cell a spreadsheet would run start with an apostrophe — and read back as it was?"""
    assert safe_cell(value) == "'" + value
    assert unsafe_cell(safe_cell(value)) == value


def test_plain_cells_untouched():
    """Are ordinary values, numbers and None left as they are?"""
    assert [safe_cell(v) for v in ("plain", "a=b", "NVA-1", 42, None, "")] == ["plain", "a=b", "NVA-1", 42, "", ""]


def test_exported_csv_has_no_live_formula():
    """Does the CSV of a backlog whose summary and description hold formulas carry no cell starting with = + - @?"""
    items = load_backlog(FIXTURES / "jira.csv")
    rows = list(csv.reader(io.StringIO(items_to_csv(items))))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'=HYPERLINK(\"http://evil.example\",\"click\") in a summary" in cells
    assert "'-2+3 looks like a formula; so does @SUM(A1)." in cells


def test_atomic_write_leaves_the_old_file_on_failure(tmp_path, monkeypatch):
    """When writing fails half-way, is the old file intact and no temporary file left behind?"""
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    import shiplab.data.export as export

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(export.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, "new\n")
    assert target.read_text() == "old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_write_records_picks_the_format_by_suffix(tmp_path):
    """Does .csv give CSV and anything else JSON Lines, each one record per item?"""
    items = load_backlog(FIXTURES / "azure.csv")
    csv_text = write_records(tmp_path / "a.csv", items).read_text(encoding="utf-8")
    jsonl_text = write_records(tmp_path / "a.jsonl", items).read_text(encoding="utf-8")
    assert csv_text.startswith("key,summary,description,") and len(list(csv.reader(io.StringIO(csv_text)))) == 4
    assert len(jsonl_text.splitlines()) == 3 and jsonl_text.startswith('{"key": "4100"')
