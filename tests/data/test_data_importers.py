"""Importers on small committed exports: every field lands where it should, and each format round-trips."""

import os
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from datahelp import FIXTURES, comparable

from shiplab.data import ImportProblem, find_user_backlog, load_backlog
from shiplab.data.api import detect_format
from shiplab.data.export import write_records

UTC = timezone.utc


def test_jira_fields_repeated_columns_links_and_parent():
    """Does a Jira export give labels/components from repeated columns, directed links and the parent's key?"""
    items = {i.key: i for i in load_backlog(FIXTURES / "jira.csv")}
    assert list(items) == ["NVA-1", "NVA-2", "NVA-3", "NVA-4", "NVA-5"]
    bug = items["NVA-2"]
    assert bug.components == ["Claims Intake", "Customer Portal"] and bug.labels == ["motor", "mobile"]
    assert bug.links == [("duplicates", "NVA-3"), ("blocks", "NVA-4")]
    assert items["NVA-3"].links == [("is duplicated by", "NVA-2")]
    assert bug.parent == "NVA-1", "Parent holds the epic's issue id; the importer resolves it to the key"
    assert bug.created == datetime(2023, 4, 7, 10, 41, tzinfo=UTC)
    assert bug.resolved == datetime(2023, 6, 17, 15, 41, tzinfo=UTC)
    assert items["NVA-3"].created == datetime(2023, 4, 8, 9, 0, tzinfo=UTC), "ISO dates are read too"
    assert items["NVA-5"].resolved == datetime(2024, 3, 13, 0, 5, tzinfo=UTC), "12:05 AM is just after midnight"
    assert bug.description.startswith("Uploading a photo") and "\n2. attach a HEIC photo" in bug.description
    assert (bug.type, bug.status, bug.priority, bug.assignee, bug.reporter) == \
        ("Bug", "Done", "Medium", "Jonas Neumann", "Daan Smit")
    assert (bug.provenance.format, bug.provenance.row, bug.provenance.line, bug.provenance.original_id) == \
        ("jira", 3, 3, "10002")
    assert items["NVA-3"].provenance.line == 7, "row 4 starts on line 7: the description above spans 5 lines"


def test_jira_classification_follows_personal_data():
    """Is the ticket that quotes a customer's name and e-mail restricted, and the others internal?"""
    classes = {i.key: i.classification for i in load_backlog(FIXTURES / "jira.csv")}
    assert classes["NVA-3"] == "restricted"
    assert {k for k, v in classes.items() if v == "internal"} == {"NVA-1", "NVA-2", "NVA-4", "NVA-5"}


@pytest.mark.parametrize("name", ["jira_cp1252.csv", "jira_utf8_bom.csv"])
def test_excel_encodings(name):
    """Do Windows-1252 and UTF-8-with-BOM exports (Excel's defaults) read with their umlauts, dashes and euros?"""
    [item] = load_backlog(FIXTURES / name)
    assert item.key == "NVA-7" and item.summary == "Schaden Müller – Hagel"
    assert item.description == "Überschwemmung im Keller, 1.234,50 €"


def test_github_gh_cli_shape():
    """Does `gh issue list --json` output import with types from labels, states and zone-aware dates?"""
    items = load_backlog(FIXTURES / "github_gh.json")
    assert [(i.key, i.type, i.status) for i in items] == [("#12", "Bug", "Open"), ("#11", "Story", "Closed"),
                                                          ("#10", "Issue", "Open")]
    assert items[1].resolved == datetime(2024, 2, 20, 17, 30, tzinfo=timezone(timedelta(hours=1)))
    assert items[0].labels == ["bug", "customer-portal"] and items[0].reporter == "anna-weber"
    assert items[2].description == "" and items[2].classification == "restricted"
    assert items[0].provenance.original_id.endswith("/issues/12") and items[0].provenance.row == 1


def test_github_rest_shape_skips_pull_requests():
    """Does the REST API shape import too, without the pull request it lists?"""
    items = load_backlog(FIXTURES / "github_rest.json")
    assert [i.key for i in items] == ["#3", "#1"]
    assert (items[0].reporter, items[0].assignee, items[0].type, items[0].status) == ("bram", "urs", "Bug", "Closed")
    assert items[1].type == "Story" and items[1].labels == ["story"]


def test_azure_people_tags_area_and_both_date_styles():
    """Does Azure's 'Name <email>', 'a; b' tags, area path and US/ISO dates come out normalized?"""
    items = {i.key: i for i in load_backlog(FIXTURES / "azure.csv")}
    assert items["4100"].assignee == "Lena Leitner" and items["4100"].components == ["Billing"]
    assert items["4101"].labels == ["portal", "billing"]
    assert items["4101"].created == datetime(2024, 3, 12, 21, 15, tzinfo=UTC), "3/12 is March 12th, 9:15 PM"
    assert items["4102"].created == datetime(2024, 3, 14, tzinfo=UTC)
    assert items["4101"].provenance.format == "azure" and items["4102"].provenance.line == 5


def test_semicolon_csv_with_mapping_file():
    """Does a German Excel CSV (';', Windows-1252, dotted dates) import with a YAML column mapping?"""
    items = load_backlog(FIXTURES / "generic_semicolon.csv", "csv", FIXTURES / "generic_mapping.yaml")
    assert [(i.key, i.summary, i.type) for i in items] == [("T-1", "Kündigung online", "Story"),
                                                           ("T-2", "Rechnung doppelt", "Bug")]
    assert items[0].labels == ["portal", "kündigung"]
    assert items[0].created == datetime(2024, 3, 12, 9, 15, tzinfo=UTC)


def test_naive_export_times_read_in_the_given_zone():
    """Are Jira's zone-less times read in the zone the caller names?"""
    [item] = load_backlog(FIXTURES / "jira_utf8_bom.csv", tz="Europe/Berlin")
    assert item.created.isoformat() == "2024-03-12T09:15:00+01:00"
    with pytest.raises(ImportProblem, match="unknown time zone 'Mars/Olympus'"):
        load_backlog(FIXTURES / "jira_utf8_bom.csv", tz="Mars/Olympus")


ROUND_TRIP = [("jira.csv", "auto", None), ("github_gh.json", "auto", None), ("github_rest.json", "auto", None),
              ("azure.csv", "auto", None), ("generic_semicolon.csv", "csv", "generic_mapping.yaml")]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
@pytest.mark.parametrize("name, fmt, mapping", ROUND_TRIP)
def test_round_trip(tmp_path, name, fmt, mapping, suffix):
    """Does import → export → import give the same items (fields, lists, links, dates, class, provenance)?"""
    items = load_backlog(FIXTURES / name, fmt, mapping and FIXTURES / mapping)
    out = write_records(tmp_path / f"export{suffix}", items)
    assert detect_format(out.read_text(encoding="utf-8"), out.name) == "shiplab"
    assert comparable(load_backlog(out)) == comparable(items)


def test_find_user_backlog(tmp_path):
    """Is a participant's newest export in ~/backlog/ found and imported, and None returned when there is none?"""
    assert find_user_backlog(tmp_path) is None
    folder = tmp_path / "backlog"
    folder.mkdir()
    (folder / "notes.md").write_text("not an export")
    assert find_user_backlog(tmp_path) is None
    shutil.copy(FIXTURES / "azure.csv", folder / "old.csv")
    shutil.copy(FIXTURES / "github_gh.json", folder / "team.json")
    os.utime(folder / "old.csv", (1, 1))
    assert [i.key for i in find_user_backlog(tmp_path)] == ["#12", "#11", "#10"]


def test_find_user_backlog_plain_csv_needs_a_mapping(tmp_path):
    """Does an unknown CSV in ~/backlog/ say to add mapping.yaml — and import once it is there?"""
    folder = tmp_path / "backlog"
    folder.mkdir()
    shutil.copy(FIXTURES / "generic_semicolon.csv", folder / "export.csv")
    with pytest.raises(ImportProblem) as err:
        find_user_backlog(tmp_path)
    assert "cannot tell which tool exported this file" in str(err.value)
    assert str(folder / "mapping.yaml") in str(err.value)
    shutil.copy(FIXTURES / "generic_mapping.yaml", folder / "mapping.yaml")
    assert [i.key for i in find_user_backlog(tmp_path)] == ["T-1", "T-2"]


def test_sample_loader_follows_env(tmp_path, monkeypatch):
    """Does load_sample_backlog read $SHIPLAB_DATASETS, and say how to fix it when the folder is wrong?"""
    from shiplab.data import load_sample_backlog

    (tmp_path / "backlog").mkdir()
    shutil.copy(FIXTURES / "jira.csv", tmp_path / "backlog" / "nordlicht_jira.csv")
    monkeypatch.setenv("SHIPLAB_DATASETS", str(tmp_path))
    assert len(load_sample_backlog()) == 5
    monkeypatch.setenv("SHIPLAB_DATASETS", str(tmp_path / "nowhere"))
    with pytest.raises(ImportProblem, match="does not exist"):
        load_sample_backlog()


def test_progress_is_reported():
    """Does load_backlog report reading and classifying progress to the caller?"""
    seen = []
    load_backlog(FIXTURES / "jira.csv", progress=lambda stage, done, total: seen.append((stage, done, total)))
    size = (FIXTURES / "jira.csv").stat().st_size
    assert ("reading", size, size) in seen and ("classifying", 5, 5) in seen
