"""Exports as real tools write them — every shape issue 17 found refused or misread — written out small here."""

import json
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

from shiplab.data import ImportProblem, find_user_backlog, load_backlog
from shiplab.data.api import SkippedRows, detect_format
from shiplab.data.cli import data
from shiplab.data.dates import AmbiguousDates, DateReader, compile_format, month_number

UTC = timezone.utc

SERVER = ("Nordlicht JIRA\n"
          "Displaying 3 issues at 22/Mar/14 08:01 AM.\n"
          "Project,Key,Summary,Issue Type,Status,Priority,Resolution,Assignee,Reporter,Created,Updated,Resolved,"
          "Component/s,Component/s,Labels,Description\n"
          "Claims,CLM-1,Upload fails,Bug,Closed,Major,Fixed,jsmith,mmeier,22/Mar/14 07:59,24/Mar/14 10:00,"
          "24/Mar/14 09:30,Portal,Intake,mobile,\"<p>Steps:</p><ul><li>open</li><li>upload</li></ul>\"\n"
          "Claims,CLM-2,Export is slow,Improvement,Open,Minor,,,mmeier,23/Mar/14 13:05,23/Mar/14 13:05,,,,,plain\n"
          "Claims,CLM-3,Typo on the form,Bug,Resolved,Trivial,Fixed,jsmith,mmeier,01/Apr/14 17:45,"
          "02/Apr/14 08:00,02/Apr/14 08:00,Portal,,,\n"
          "\"Generated at Sat Mar 22 08:01:17 CET 2014 by Jane Smith using JIRA 6.2#6252-sha1:aa343257d4ce030d\"\n")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_jira_server_key_header_title_lines_24h_dates_and_footer(tmp_path):
    """Does a Jira Server 6.2 export import — title lines above a 'Key' header, 24-hour dates, the footer left out
    and noted, HTML made text?"""
    path = write(tmp_path, "server.csv", SERVER)
    assert detect_format(SERVER, "server.csv") == "jira"
    items = load_backlog(path)
    assert [i.key for i in items] == ["CLM-1", "CLM-2", "CLM-3"]
    first = items[0]
    assert first.created == datetime(2014, 3, 22, 7, 59, tzinfo=UTC)
    assert first.resolved == datetime(2014, 3, 24, 9, 30, tzinfo=UTC)
    assert first.components == ["Portal", "Intake"] and first.description == "Steps:\n\n- open\n\n- upload"
    assert items[1].resolved is None and items[1].provenance.row == 5
    assert any("closing line" in n and "JIRA 6.2" in n for n in items.notes), items.notes
    assert any("2 lines above the header" in n for n in items.notes), items.notes


CLOUD_HEADER = ("Summary,Issue key,Issue id,Issue Type,Status,Resolution,Created,Updated,Components,Labels,Labels,"
                "Comment,Comment,Description,,,\n")


def test_jira_cloud_day_first_dates_padding_comments_and_no_resolved_column(tmp_path):
    """Do day-first dates (16/02/2017 15:26), rows of bare commas, repeated Comment columns and a missing Resolved
    column import — with Closed/Fixed counted resolved, dated by Updated, and both noted?"""
    text = CLOUD_HEADER + (
        "Login fails,WEB-7,10007,Bug,Closed,Fixed,16/02/2017 15:26,20/02/2017 09:00,Auth,sso,,"
        "\"16/02/2017 16:00;557058:abc;Seen on staging too\",\"17/02/2017 08:00;557058:def;Fixed in 2.3\",text,,,\n"
        "Add dark mode,WEB-8,10008,Story,In Progress,,03/04/2017 09:15,05/04/2017 11:00,,ui,theme,,,,,,\n"
        + ",,,,,,,,,,,,,,,,\n" * 150)
    items = load_backlog(write(tmp_path, "cloud.csv", text))
    assert [i.key for i in items] == ["WEB-7", "WEB-8"]
    assert items[0].created == datetime(2017, 2, 16, 15, 26, tzinfo=UTC)
    assert items[1].created == datetime(2017, 4, 3, 9, 15, tzinfo=UTC), "3 April: the column is day-first"
    assert items[0].resolved == datetime(2017, 2, 20, 9, 0, tzinfo=UTC) and items[1].resolved is None
    assert items[0].comments == ["Seen on staging too", "Fixed in 2.3"] and items[1].labels == ["ui", "theme"]
    assert items[0].components == ["Auth"]
    assert any("150 blank rows" in n for n in items.notes)
    assert any("counted resolved from Status/Resolution" in n for n in items.notes)


def test_localized_month_names_given_or_told_from_the_column(tmp_path):
    """Does '22/Mär/14' read with --locale de, and without it when only German reads the column?"""
    text = ("Summary,Issue key,Issue Type,Status,Created\n"
            "A,DE-1,Bug,Offen,22/Mär/14 07:59\nB,DE-2,Bug,Offen,03/Okt/14 10:00\nC,DE-3,Bug,Offen,01/Dez/14 09:00\n")
    path = write(tmp_path, "de.csv", text)
    given = load_backlog(path, locale="de")
    assert [i.created.month for i in given] == [3, 10, 12]
    told = load_backlog(path)
    assert [i.created for i in told] == [i.created for i in given]
    assert any("month names read as de" in n for n in told.notes)
    fr = write(tmp_path, "fr.csv", "Summary,Issue key,Issue Type,Status,Created\nA,F-1,Tâche,Validé,10/oct./16 11:54 AM\n"
                                   "B,F-2,Tâche,Validé,06/août/15 12:00 PM\nC,F-3,Tâche,Validé,11/févr./15 9:00 AM\n")
    assert [i.created for i in load_backlog(fr, locale="fr")] == [datetime(2016, 10, 10, 11, 54, tzinfo=UTC),
                                                                   datetime(2015, 8, 6, 12, 0, tzinfo=UTC),
                                                                   datetime(2015, 2, 11, 9, 0, tzinfo=UTC)]
    with pytest.raises(ImportProblem, match="unknown language 'xx'"):
        load_backlog(path, locale="xx")


@pytest.mark.parametrize("fmt", ["%d/%m/%Y %H:%M", "dd/MM/yyyy HH:mm"])
def test_a_given_date_format_in_either_notation(tmp_path, fmt):
    """Does --date-format read '04/03/2017 15:26' as 4 March, in strftime and in Jira's notation?"""
    path = write(tmp_path, "x.csv", "Summary,Issue key,Issue Type,Status,Created\nA,X-1,Bug,Open,04/03/2017 15:26\n")
    [item] = load_backlog(path, date_format=fmt)
    assert item.created == datetime(2017, 3, 4, 15, 26, tzinfo=UTC)
    [us] = load_backlog(path, date_format="MM/dd/yyyy HH:mm")
    assert us.created == datetime(2017, 4, 3, 15, 26, tzinfo=UTC)


def test_unusable_date_format_is_refused_with_how():
    """Is a date format without a year, or with an unknown directive, refused before any row is read?"""
    with pytest.raises(ValueError, match="needs a day, a month and a year"):
        compile_format("%d/%m")
    with pytest.raises(ValueError, match="%Q is not a date directive"):
        compile_format("%d/%m/%Y %Q")


def test_one_column_one_style():
    """Is '3/4/2017' read day-first beside '16/02/2017' and month-first beside '2/16/2017' — refused when nothing in
    the file tells (attack on issue 17: never silently the tool's way), unless the importer asks for the habit?"""
    assert DateReader(["3/4/2017", "16/02/2017"]).read("3/4/2017").month == 4
    assert DateReader(["3/4/2017", "2/16/2017"]).read("3/4/2017").month == 3
    assert DateReader(["3/4/2017"], related=["16/02/2017"]).read("3/4/2017").month == 4, "another column tells"
    with pytest.raises(AmbiguousDates):
        DateReader(["3/4/2017"], ("jira", "iso", "dmy", "us"))
    assert DateReader(["3/4/2017"], ("us", "iso", "dmy"), ambiguous="habit").read("3/4/2017").month == 3
    assert month_number("Mär") == 3 and month_number("août") == 8 and month_number("mrt") == 3
    assert month_number("Ju") is None, "too short to tell June from July"


BAD_DATE = ("Summary,Issue key,Issue Type,Status,Created\n"
            "A,B-1,Bug,Open,12/Mar/24 9:15 AM\nB,B-2,Bug,Open,yesterday\nC,B-3,Bug,Open,13/Mar/24 9:15 AM\n")


def test_one_bad_date_strict_refuses_exploring_skips_and_reports(tmp_path):
    """Does one bad date refuse the file on the graded path — and, exploring, leave out that row only, saying which
    row, column and value and how to fix it?"""
    path = write(tmp_path, "team.csv", BAD_DATE)
    with pytest.raises(ImportProblem, match="row 3, column 'Created': cannot read the date 'yesterday'"):
        load_backlog(path)
    items = load_backlog(path, skip_bad=True)
    assert [i.key for i in items] == ["B-1", "B-3"]
    [problem] = items.skipped
    assert (problem.row, problem.column) == (3, "Created") and "'yesterday'" in problem.message
    assert "--date-format" in problem.advice()
    assert "1 row left out" in items.report()


def test_the_labs_loader_skips_bad_rows_with_a_warning(tmp_path):
    """Does find_user_backlog import a participant's CSV with one bad date (not 'no export'), warning about the row?"""
    (tmp_path / "backlog").mkdir()
    write(tmp_path / "backlog", "team.csv", BAD_DATE)
    with pytest.warns(SkippedRows, match="row 3, column 'Created'"):
        items = find_user_backlog(tmp_path)
    assert [i.key for i in items] == ["B-1", "B-3"]
    with pytest.raises(ImportProblem):
        find_user_backlog(tmp_path, skip_bad=False)


def test_mapping_file_options_apply_to_a_jira_export(tmp_path):
    """Does 'date_format:' in ~/backlog/mapping.yaml apply to a Jira export the format detection recognises?"""
    (tmp_path / "backlog").mkdir()
    write(tmp_path / "backlog", "jira.csv", "Summary,Issue key,Issue Type,Status,Created\nA,M-1,Bug,Open,04/03/2017\n")
    write(tmp_path / "backlog", "mapping.yaml", "date_format: MM/dd/yyyy\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        [item] = find_user_backlog(tmp_path)
    assert item.created == datetime(2017, 4, 3, tzinfo=UTC)


def issues(n, **extra):
    return [{"number": i, "title": f"Issue {i}", "state": "open", "created_at": "2024-05-02T07:00:00Z", **extra}
            for i in range(1, n + 1)]


def test_github_json_lines_and_paginated_pages(tmp_path):
    """Do JSON Lines and `gh api --paginate` pages (arrays back to back, search pages too) import as one list?"""
    lines = write(tmp_path, "issues.jsonl", "\n".join(json.dumps(i) for i in issues(3, body="b")) + "\n")
    assert [i.key for i in load_backlog(lines)] == ["#1", "#2", "#3"]
    pages = issues(4, body="b")
    paged = write(tmp_path, "pages.json", json.dumps(pages[:2]) + json.dumps(pages[2:]))
    assert [i.key for i in load_backlog(paged)] == ["#1", "#2", "#3", "#4"]
    search = write(tmp_path, "search.json", "\n".join(json.dumps({"total_count": 4, "items": pages[k:k + 2]})
                                                      for k in (0, 2)))
    assert len(load_backlog(search)) == 4
    broken = write(tmp_path, "broken.json", json.dumps(pages[:2]) + "[{")
    with pytest.raises(ImportProblem, match="truncated"):
        load_backlog(broken)


def test_github_body_html_body_text_and_missing_bodies(tmp_path):
    """Is body_html made text and body_text used — and an export without any body noted, never silently empty?"""
    data = [{**issues(1)[0], "number": 1, "body_html": "<p>Crash on <code>save</code></p><p>Since 2.1</p>"},
            {**issues(1)[0], "number": 2, "body": None, "body_text": "Plain text body"},
            {**issues(1)[0], "number": 3}]
    items = load_backlog(write(tmp_path, "rest.json", json.dumps(data)))
    assert items[0].description == "Crash on save\n\nSince 2.1" and items[1].description == "Plain text body"
    assert items[2].description == "" and any("1 issue has no body" in n for n in items.notes)


def test_gh_issue_list_closed_without_closed_at_and_comments(tmp_path):
    """Does a CLOSED issue from `gh issue list --json` without closedAt count as resolved (dated by updatedAt), with
    its comments' text kept?"""
    data = [{"number": 9, "title": "Old bug", "state": "CLOSED", "createdAt": "2024-01-01T10:00:00Z",
             "updatedAt": "2024-01-05T10:00:00Z", "body": "x", "labels": [{"name": "bug"}],
             "author": {"login": "ana"}, "comments": [{"author": {"login": "bo"}, "body": "Fixed in #10"}]}]
    [item] = load_backlog(write(tmp_path, "gh.json", json.dumps(data)))
    assert item.status == "Closed" and item.resolved == datetime(2024, 1, 5, 10, tzinfo=UTC)
    assert item.comments == ["Fixed in #10"] and item.type == "Bug"


def test_azure_tree_query_with_html_description_and_european_dates(tmp_path):
    """Does an Azure DevOps tree export (Title 1/Title 2) with HTML descriptions and 14.03.2024 dates import?"""
    text = ("ID,Work Item Type,Title 1,Title 2,State,Created Date,Changed Date,Description\n"
            "10,Epic,Self-service portal,,Active,01.03.2024 09:00,02.03.2024 09:00,<div>Epic text</div>\n"
            "11,User Story,,Change address online,Closed,14.03.2024 10:30,20.03.2024 16:00,"
            "\"<div>As a customer<br>I change my address</div>\"\n")
    items = load_backlog(write(tmp_path, "azure.csv", text))
    assert [i.summary for i in items] == ["Self-service portal", "Change address online"]
    assert items[1].description == "As a customer\nI change my address"
    assert items[1].created == datetime(2024, 3, 14, 10, 30, tzinfo=UTC)
    assert items[1].resolved == datetime(2024, 3, 20, 16, tzinfo=UTC) and items[0].resolved is None


def test_cli_flags_skip_bad_date_format_and_notes(tmp_path):
    """Does `shiplab data import --skip-bad` list the row it left out, and --date-format change how dates read?"""
    bad = write(tmp_path, "team.csv", BAD_DATE)
    result = CliRunner().invoke(data, ["import", str(bad), "--skip-bad"])
    assert result.exit_code == 0, result.output
    assert "2 items" in result.output and "left out 1 row with problems" in result.output
    assert "row 3, column 'Created'" in result.output and "How to fix:" in result.output
    server = write(tmp_path, "server.csv", SERVER)
    result = CliRunner().invoke(data, ["import", str(server)])
    assert result.exit_code == 0 and "note: row 7: the export's closing line" in result.output, result.output


def test_tz_still_applies_to_detected_styles(tmp_path):
    """Are zone-less day-first times read in the zone given?"""
    path = write(tmp_path, "x.csv", "Summary,Issue key,Issue Type,Status,Created\nA,X-1,Bug,Open,16/02/2017 15:26\n")
    [item] = load_backlog(path, tz="Europe/Berlin")
    assert item.created.utcoffset() == timedelta(hours=1)
