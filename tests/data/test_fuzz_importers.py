"""Property-based fuzzing: any input either imports completely or raises ImportProblem — nothing else."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shiplab.data import ImportProblem
from shiplab.data.api import detect_format
from shiplab.data.importers import azure, github, jira, mapped_csv

JIRA_HEADER = "Summary,Issue key,Issue Type,Status,Created,Labels,Labels,Description"
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
dateish = st.sampled_from(["12/Mar/24 9:15 AM", "2024-03-12", "", "31/Feb/24 9:15 AM", "tomorrow", "2024-13-01"])


def only_import_problems(fn, *args):
    try:
        items = fn(*args)
    except ImportProblem as exc:
        assert str(exc)
        return None
    assert isinstance(items, list)
    return items


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_any_text_as_jira(text):
    """Is arbitrary text either a Jira import or an ImportProblem?"""
    only_import_problems(jira, text, "fuzz.csv")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(cell, cell, cell, cell, dateish, cell, cell, cell), max_size=8))
def test_structured_jira_rows(rows):
    """Do well-formed CSVs with random cells import fully or fail as a whole?"""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(JIRA_HEADER.split(","))
    w.writerows(rows)
    items = only_import_problems(jira, buf.getvalue(), "fuzz.csv")
    if items is not None:
        assert len(items) == sum(1 for r in rows if any(c.strip() for c in r))


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                           lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                                            children, max_size=4),
                           max_leaves=12)
issue = st.fixed_dictionaries({"number": st.integers(0, 50), "title": st.text(max_size=20)},
                              optional={"body": json_values, "labels": json_values, "createdAt": json_values,
                                        "closedAt": json_values, "author": json_values, "pull_request": json_values})


@settings(max_examples=200, deadline=None)
@given(st.one_of(json_values, st.lists(issue, max_size=6)))
def test_any_json_as_github(value):
    """Is any JSON value either a GitHub import or an ImportProblem?"""
    only_import_problems(github, json.dumps(value), "fuzz.json")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_github_azure_mapped_or_detect(text):
    """Do the other importers and format detection only ever raise ImportProblem?"""
    only_import_problems(github, text, "f.json")
    only_import_problems(azure, text, "f.csv")
    only_import_problems(mapped_csv, text, "f.csv", {"key": "ID", "summary": "Title"})
    try:
        detect_format(text, "f")
    except ImportProblem:
        pass
