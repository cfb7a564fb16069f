"""Property-based fuzzing: any input either imports whole or raises ImportProblem — never another exception, never
a partial result; and any set of items survives export and import unchanged."""

import csv
import io
import json
from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shiplab.data import ImportProblem, azure, github, jira, mapped_csv, normalized
from shiplab.data.api import detect_format
from shiplab.data.export import items_to_csv, items_to_jsonl
from shiplab.data.model import BacklogItem, Provenance

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
JIRA_HEADER = ["Summary", "Issue key", "Issue Type", "Status", "Created", "Labels", "Labels", "Description"]
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)
dateish = st.sampled_from(["12/Mar/24 9:15 AM", "2024-03-12T09:15:00Z", "", "31/Feb/24 9:15 AM", "tomorrow",
                           "2024-13-01", "3/12/2024 9:15 AM", "12/Mar/24 13:15 PM"])


def outcome(parse, *args):
    """The items, or None after an ImportProblem; anything else fails the test."""
    try:
        items = parse(*args)
    except ImportProblem as exc:
        assert str(exc) and exc.file
        return None
    assert isinstance(items, list) and items and all(isinstance(i, BacklogItem) for i in items)
    return items


@FAST
@given(st.text(max_size=400))
def test_any_text_as_each_csv_importer(text):
    """Is arbitrary text either an import or an ImportProblem, for every CSV importer and format detection?"""
    outcome(jira.parse, text, "f.csv")
    outcome(azure.parse, text, "f.csv")
    outcome(mapped_csv.parse, text, "f.csv", {"key": "ID", "summary": "Title", "created": "When"})
    outcome(normalized.parse, text, "f.csv")
    try:
        detect_format(text, "f")
    except ImportProblem:
        pass


@FAST
@given(st.lists(st.tuples(cell, cell, cell, cell, dateish, cell, cell, cell), max_size=8))
def test_well_formed_jira_rows_all_or_nothing(rows):
    """Do CSVs with random cells import every non-blank row, or fail as a whole?"""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(JIRA_HEADER)
    w.writerows(rows)
    items = outcome(jira.parse, buf.getvalue(), "fuzz.csv")
    if items is not None:
        assert len(items) == sum(1 for r in rows if any(c.strip() for c in r))


@FAST
@given(st.text(max_size=300), st.integers(min_value=0, max_value=300))
def test_cut_off_exports(text, cut):
    """Does a valid export cut at any point import whole or fail cleanly?"""
    good = (FIXTURES_JIRA + text)[:len(FIXTURES_JIRA) - cut]
    outcome(jira.parse, good, "cut.csv")


FIXTURES_JIRA = ('Summary,Issue key,Issue Type,Status,Created,Description\r\n'
                 'A,NVA-1,Bug,Open,12/Mar/24 9:15 AM,"multi\r\nline"\r\nB,NVA-2,Story,Done,2024-03-12,plain\r\n')

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
                           lambda children: st.lists(children, max_size=4) |
                           st.dictionaries(st.text(max_size=8), children, max_size=4), max_leaves=12)
issue = st.fixed_dictionaries({"number": st.integers(0, 30), "title": st.text(max_size=20)},
                              optional={"body": json_values, "labels": json_values, "createdAt": json_values,
                                        "closedAt": json_values, "author": json_values, "user": json_values,
                                        "assignees": json_values, "pull_request": json_values})


@settings(max_examples=200, deadline=None)
@given(st.one_of(json_values, st.lists(issue, max_size=6), st.dictionaries(st.just("items"), st.lists(issue))))
def test_any_json_as_github(value):
    """Is any JSON value either a GitHub import (every issue but the pull requests) or an ImportProblem?"""
    items = outcome(github.parse, json.dumps(value), "fuzz.json")
    if items is not None:
        listed = value["items"] if isinstance(value, dict) else value
        assert len(items) == sum(1 for i in listed if "pull_request" not in i)


@FAST
@given(st.text(max_size=300))
def test_any_text_as_github_or_jsonl(text):
    """Is arbitrary text either a GitHub / JSON Lines import or an ImportProblem?"""
    outcome(github.parse, text, "f.json")
    outcome(normalized.parse_jsonl, text, "f.jsonl")


no_sep = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=";"), min_size=1,
                 max_size=12).filter(lambda s: s.strip() == s)
any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
when = st.one_of(st.none(), st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                                         timezones=st.sampled_from([timezone.utc, timezone(timedelta(hours=2))])))
items = st.lists(st.builds(
    BacklogItem, key=st.text(min_size=1, max_size=10).filter(lambda s: s.strip()), summary=any_text,
    description=any_text, type=any_text, status=any_text, priority=any_text, components=st.lists(no_sep, max_size=3),
    labels=st.lists(no_sep, max_size=3), created=when, resolved=when,
    links=st.lists(st.tuples(no_sep.filter(lambda s: ": " not in s), no_sep), max_size=2), parent=any_text,
    assignee=any_text, reporter=any_text, classification=st.sampled_from(["public", "internal", "restricted"]),
    provenance=st.builds(Provenance, source=no_sep, format=st.sampled_from(["jira", "github"]),
                         row=st.one_of(st.none(), st.integers(1, 10**6)), line=st.one_of(st.none(), st.integers(1)),
                         original_id=any_text)), min_size=1, max_size=5, unique_by=lambda i: i.key)


@FAST
@given(items)
def test_any_items_round_trip_through_both_exports(generated):
    """Do any items — formula-like text, quotes, line breaks, odd zones — export and import back unchanged?"""
    want = [i.to_dict() for i in generated]
    assert [i.to_dict() for i in normalized.parse(items_to_jsonl(generated), "x.jsonl")] == want
    assert [i.to_dict() for i in normalized.parse(items_to_csv(generated), "x.csv")] == want
