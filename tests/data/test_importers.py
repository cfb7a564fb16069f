"""Importers: each real export format round-trips; every broken file gets a message a person can act on."""

import json
from pathlib import Path

import pytest

from shiplab.data import ImportProblem, load_backlog
from shiplab.data.export import items_to_csv, safe_cell
from shiplab.data.importers import mapped_csv

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
JIRA_HEAD = "Summary,Issue key,Issue id,Issue Type,Status,Priority,Created,Resolved,Labels,Labels,Description\n"


def write(tmp_path, name, content, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(content.encode(encoding) if isinstance(content, str) else content)
    return p


def test_sample_jira_export_imports_with_repeated_columns_and_links():
    """Does the sample Jira export import: 1,100 items, several labels each, duplicate links, aware dates?"""
    items = load_backlog(DATASETS / "backlog" / "nordlicht_jira.csv")
    assert len(items) == 1100
    assert any(len(i.labels) >= 2 for i in items) and any(len(i.components) >= 2 for i in items)
    dups = [i for i in items if any(t == "duplicates" for t, _ in i.links)]
    assert len(dups) >= 60
    assert all(i.created.tzinfo is not None for i in items)
    assert items[0].provenance.format == "jira" and items[0].provenance.line == 2


@pytest.mark.parametrize("name, fmt, count", [("nordlicht_github_issues.json", "github", 150),
                                               ("nordlicht_azure_devops.csv", "azure", 150)])
def test_other_sample_exports(name, fmt, count):
    """Do the sample GitHub and Azure DevOps exports import with their formats detected?"""
    items = load_backlog(DATASETS / "backlog" / name)
    assert len(items) == count and items[0].provenance.format == fmt
    assert all(i.summary for i in items)


def test_github_rest_shape_skips_pull_requests(tmp_path):
    """Does the REST API shape import too, without the pull requests it lists?"""
    data = [{"number": 1, "title": "Bug", "body": "x", "labels": [{"name": "bug"}], "state": "open",
             "created_at": "2024-03-12T09:15:00Z", "user": {"login": "ana"}, "html_url": "u"},
            {"number": 2, "title": "PR", "pull_request": {}, "created_at": "2024-03-12T09:15:00Z"}]
    items = load_backlog(write(tmp_path, "gh.json", json.dumps(data)))
    assert [i.key for i in items] == ["#1"] and items[0].reporter == "ana" and items[0].type == "bug"


def test_round_trip_csv_export_then_mapped_import(tmp_path):
    """Does exporting to CSV and importing it back with a mapping give the same items?"""
    items = load_backlog(DATASETS / "backlog" / "nordlicht_jira.csv")[:200]
    path = write(tmp_path, "out.csv", items_to_csv(items))
    back = mapped_csv(path.read_text(), "out.csv", {"key": "key", "summary": "summary", "description": "description",
                                                     "type": "type", "labels": "labels", "created": "created"})
    assert [(i.key, i.summary, i.description, i.type, i.labels, i.created) for i in back] == \
        [(i.key, i.summary, i.description, i.type, i.labels, i.created) for i in items]


BROKEN = {
    "empty.csv": ("", "the file is empty"),
    "blank.csv": ("   \n\n", "the file is empty"),
    "missing.csv": ("Summary,Issue Key,Issue Type,Status\nA,NVA-1,Bug,Done\n", "missing column(s) 'Issue key', 'Created'"),
    "truncated.csv": (JIRA_HEAD + 'A,NVA-1,1,Bug,Done,High,12/Mar/24 9:15 AM,,x,,"cut off here', "cut off"),
    "baddate.csv": (JIRA_HEAD + "A,NVA-1,1,Bug,Done,High,yesterday,,x,,d\n", "line 2, column 'Created'"),
    "dupkey.csv": (JIRA_HEAD + "A,NVA-1,1,Bug,Done,High,12/Mar/24 9:15 AM,,,,d\n"
                   "B,NVA-1,2,Bug,Done,High,12/Mar/24 9:15 AM,,,,d\n", "duplicate Issue key 'NVA-1' (first on line 2)"),
    "short.csv": (JIRA_HEAD + "A,NVA-1,1\n", "line 2: 3 values for 11 columns"),
    "cut.json": ('[{"number": 1, "title": "a"}, {"number": 2, "ti', "cut off before its end"),
    "notalist.json": ('{"number": 1}', "expected a JSON list"),
    "unknown.csv": ("a,b,c\n1,2,3\n", "cannot tell which tool exported this file"),
    "utf16.csv": ("Summary,Issue key\n".encode("utf-16"), "binary or UTF-16"),
    "latin2.csv": (b"Summary,Issue key\n\x81\x8d\x8f\x90\x9d\n", "neither UTF-8 nor Windows-1252"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_say_what_and_where(tmp_path, name):
    """Does each broken export fail with a message naming the problem and its place, importing nothing?"""
    content, fragment = BROKEN[name]
    with pytest.raises(ImportProblem) as err:
        load_backlog(write(tmp_path, name, content))
    assert fragment in str(err.value), str(err.value)
    assert name in str(err.value)


def test_all_row_problems_reported_at_once(tmp_path):
    """Are all bad rows listed together (not just the first)?"""
    rows = "".join(f"A,NVA-{n},1,Bug,Done,High,never,,,,d\n" for n in range(30))
    with pytest.raises(ImportProblem) as err:
        load_backlog(write(tmp_path, "many.csv", JIRA_HEAD + rows))
    assert "30 problems" in str(err.value) and "and 10 more" in str(err.value)


def test_missing_column_suggests_the_near_miss(tmp_path):
    """Does a misspelt column get a 'looks like' hint?"""
    with pytest.raises(ImportProblem) as err:
        load_backlog(write(tmp_path, "j.csv", "Summary,Issue key,Issue Typ,Status,Created\n"), "jira")
    assert "'Issue Typ' looks like 'Issue Type'" in str(err.value)


def test_oversized_file_is_refused_without_loading(tmp_path):
    """Is a file over the limit refused with how to proceed?"""
    p = write(tmp_path, "big.csv", JIRA_HEAD + "x" * 3_000_000)
    with pytest.raises(ImportProblem, match="larger than the import limit of 2 MB"):
        load_backlog(p, limit=2 * 1024 * 1024)


def test_excel_encodings(tmp_path):
    """Do UTF-8 with BOM and Windows-1252 files (Excel's defaults) import?"""
    row = "Schaden Müller – Hagel,NVA-1,1,Bug,Done,High,12/Mar/24 9:15 AM,,,,Überschwemmung €\n"
    for enc, prefix in (("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")):
        p = write(tmp_path, f"{enc}.csv", prefix + (JIRA_HEAD + row).encode(enc))
        [item] = load_backlog(p)
        assert item.summary == "Schaden Müller – Hagel" and item.description.endswith("€")


def test_formula_injection_is_neutralized_on_export():
    """Does a cell that a spreadsheet would run as a formula come out inert?"""
    for evil in ("=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"):
        assert safe_cell(evil).startswith("'")
    assert safe_cell("plain") == "plain"


def test_participant_backlog_is_found(tmp_path):
    """Does a participant's export dropped into ~/backlog/ get picked up (newest first)?"""
    import os
    import time

    from shiplab.data import find_user_backlog

    assert find_user_backlog(tmp_path) is None
    (tmp_path / "backlog").mkdir()
    old = write(tmp_path / "backlog", "old.csv", "a")
    time.sleep(0.01)
    new = write(tmp_path / "backlog", "team.json", "[]")
    os.utime(old, (1, 1))
    assert find_user_backlog(tmp_path) == new
