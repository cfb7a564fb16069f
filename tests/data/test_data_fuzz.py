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


# --- the shapes of real exports (issue 17) ---------------------------------------------------------------------------
from shiplab.data import dates, pii  # noqa: E402
from shiplab.data.documents import read_folder  # noqa: E402
from shiplab.data.htmltext import as_text, html_to_text  # noqa: E402
from shiplab.data.options import ReadOptions  # noqa: E402

real_date = st.sampled_from(["22/Mar/14 07:59", "16/02/2017 15:26", "3/12/2024 9:15 AM", "2024-03-12T09:15:00Z",
                             "22/Mär/14 07:59", "10/oct./16 11:54 AM", "12.03.2024 09:15", "", "yesterday",
                             "31/02/2017 10:00", "06/août/15 12:00 PM", "2017-02-16 15:26"])
key_header = st.sampled_from(["Issue key", "Key"])
preamble = st.lists(st.sampled_from(["Nordlicht JIRA", "Displaying 3 issues at 22/Mar/14 08:01 AM.", ""]),
                    max_size=2)
footer = st.sampled_from(["", "Generated at Sat Mar 22 08:01:17 CET 2014 by Jane Smith using JIRA 6.2#6252"])


def jira_text(key_name, rows, above, end, padding):
    buf = io.StringIO()
    w = csv.writer(buf)
    for line in above:
        w.writerow([line] if line else [])
    w.writerow(["Summary", key_name, "Issue Type", "Status", "Resolution", "Created", "Comment", "Comment"])
    w.writerows(rows)
    for _ in range(padding):
        w.writerow([""] * 8)
    if end:
        w.writerow([end])
    return buf.getvalue()


@FAST
@given(key_header, st.lists(st.tuples(cell, cell, cell, cell, cell, real_date, cell, cell), max_size=6), preamble,
       footer, st.integers(0, 4), st.booleans())
def test_real_jira_shapes_nothing_silently_dropped(key_name, rows, above, end, padding, skip):
    """Do exports with either key header, title lines, a footer, padding rows and real date styles import whole or
    fail as a whole — and, skipping bad rows, does every non-blank row become an item or a reported problem?"""
    text = jira_text(key_name, rows, above, end, padding)
    try:
        result = jira.read(text, "real.csv", ReadOptions(skip_bad=skip))
    except ImportProblem as exc:
        assert str(exc) and exc.file == "real.csv"
        return
    wanted = sum(1 for r in rows if any(c.strip() for c in r))
    skipped_rows = {p.row for p in result.skipped}
    assert len(result.items) + len(skipped_rows) == wanted, (result.items, result.skipped)
    assert skip or not result.skipped
    assert all(p.hint for p in result.skipped)


github_issue = st.fixed_dictionaries(
    {"number": st.integers(0, 30), "title": st.text(max_size=20)},
    optional={"body": st.one_of(st.none(), st.text(max_size=20)), "body_text": st.text(max_size=20),
              "body_html": st.text(alphabet="<>/p b&amp;x ", max_size=30), "state": st.sampled_from(["open", "CLOSED"]),
              "closedAt": st.sampled_from([None, "2024-01-01T00:00:00Z", "0001-01-01T00:00:00Z"]),
              "comments": st.one_of(st.integers(0, 3), st.lists(st.fixed_dictionaries({"body": st.text(max_size=10)}),
                                                                 max_size=2)),
              "pull_request": st.just({})})


@settings(max_examples=150, deadline=None)
@given(st.lists(github_issue, max_size=6), st.sampled_from(["list", "jsonl", "pages", "search"]), st.booleans())
def test_github_every_saved_shape(listed, shape, skip):
    """Is any issue list — as one array, JSON Lines, `--paginate` pages or search pages — all its issues (pull
    requests left out and counted) or one ImportProblem, never a silently empty description?"""
    if shape == "list":
        text = json.dumps(listed)
    elif shape == "jsonl":
        text = "\n".join(json.dumps(i) for i in listed)
    elif shape == "pages":
        text = "".join(json.dumps(listed[k:k + 2]) for k in range(0, max(1, len(listed)), 2))
    else:
        text = "\n".join(json.dumps({"total_count": len(listed), "items": listed[k:k + 2]})
                         for k in range(0, max(1, len(listed)), 2))
    try:
        result = github.read(text, "gh.json", ReadOptions(skip_bad=skip))
    except ImportProblem as exc:
        assert str(exc)
        return
    issues = [i for i in listed if "pull_request" not in i]
    assert len(result.items) + len({p.row for p in result.skipped}) == len(issues)
    pulls = len(listed) - len(issues)
    assert (pulls == 0) == (not any("pull request" in n for n in result.notes))
    for item in result.items:
        issue = listed[item.provenance.row - 1]
        has_text = any(isinstance(issue.get(k), str) and issue[k].strip() for k in ("body", "body_text", "body_html"))
        if not item.description and not any(k in issue for k in ("body", "body_text", "body_html")):
            assert any("no body" in n for n in result.notes)
        if has_text and not issue.get("body_html"):
            assert item.description, issue


@FAST
@given(st.lists(st.sampled_from(["12/Mar/24 9:15 AM", "3/4/2017", "16/02/2017 15:26", "2/16/2017 10:00",
                                 "22/Mär/14", "2024-03-12", "x", "", "13/13/2013"]), max_size=8),
       st.one_of(st.none(), st.sampled_from(list(dates.LOCALES))))
def test_date_reader_one_style_per_column(values, locale):
    """Does a column's reader only ever return a date or raise DateProblem — and never read 'a/b/yyyy' both ways,
    refusing (AmbiguousDates) only a column that nothing in it settles?"""
    try:
        reader = dates.DateReader(values, dates.JIRA, locale=locale)
    except dates.AmbiguousDates:
        assert "3/4/2017" in values and not {"16/02/2017 15:26", "2/16/2017 10:00"} & set(values)
        return
    assert not {"dmy", "us"} <= set(reader.styles)
    for v in values:
        try:
            d = reader.read(v)
        except dates.DateProblem:
            continue
        assert d is None or d.tzinfo is not None


@FAST
@given(st.text(max_size=30))
def test_any_date_format_compiles_or_says_why(fmt):
    """Is any --date-format either usable or a ValueError with a reason?"""
    try:
        dates.compile_format(fmt)
    except ValueError as exc:
        assert str(exc)


@FAST
@given(st.text(max_size=200))
def test_html_to_text_never_fails_and_plain_text_stays(text):
    """Does any text convert without error, and does text that is not HTML come back unchanged?"""
    html_to_text(text)
    if "<" not in text:
        assert as_text(text) == text


placeholder = st.one_of(
    st.builds(lambda local, dom: f"{local}@{dom}", st.sampled_from(sorted(pii.PLACEHOLDER_LOCALS
                                                                        - pii.PERSONLIKE_LOCALS)),
              st.sampled_from(["example.com", "gmail.com", "corp.de"])),
    st.builds(lambda local, dom: f"{local}@{dom}", st.sampled_from(sorted(pii.PERSONLIKE_LOCALS)),
              st.sampled_from(["example.com", "x.test", "host.invalid"])),
    st.builds(lambda local, dom: f"{local}@{dom}", st.sampled_from(["info", "ops", "build", "ci", "qa", "devnull"]),
              st.sampled_from(["example.org", "test.example", "x.test", "host.invalid", "localhost"])),
    st.builds(lambda d, n: d * n, st.sampled_from("0123456789"), st.integers(7, 12)),
    st.builds(lambda d: f"+49 30 {d * 7}", st.sampled_from("0123456789")))


@FAST
@given(st.lists(placeholder, min_size=1, max_size=3), st.sampled_from(["Mail {} for access.", "Call {} now",
                                                                       "Contact: {}", "({}), see the wiki"]))
def test_placeholders_are_never_personal_data(values, template):
    """Are placeholder addresses and repeated-digit numbers in any sentence left alone?"""
    text = " ".join(template.format(v) for v in values)
    assert not [e for e in pii.detect(text) if e.type in ("EMAIL", "PHONE")], text


@FAST
@given(st.text(max_size=200))
def test_detection_never_fails(text):
    """Does detection run on any text and return spans that are exactly the text they point at?"""
    for e in pii.detect(text, allow=("Acme",)):
        assert text[e.start:e.end] == e.value


tree_file = st.tuples(st.lists(st.sampled_from(["topic", "howto", "admin", "_build", ".git", "docs"]), max_size=3),
                      st.sampled_from(["index", "requirements", "guide", "notes", "conf"]),
                      st.sampled_from([".md", ".txt", ".rst", ".py", ".png", ".html"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(st.lists(tree_file, min_size=1, max_size=12, unique_by=lambda t: (tuple(t[0]), t[1], t[2])))
def test_any_document_tree(tmp_path_factory, files):
    """Does any tree import each document once with a unique id, and list every other file as left out?"""
    root = tmp_path_factory.mktemp("tree")
    paths = set()
    for folders, stem, suffix in files:
        path = root.joinpath(*folders, stem + suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {stem}\n\ntext of {stem}\n" if suffix != ".png" else "\x89PNG")
        paths.add(path)
    try:
        docs, problems, skipped = read_folder(root)
    except ImportProblem as exc:
        assert "holds no documents" in str(exc)
        return
    ids = [d.id for d in docs]
    assert len(ids) == len(set(ids)) and not problems
    listed = len(docs) + len(skipped)
    hidden_inside = sum(1 for p in paths if any(part.startswith(".") for part in p.relative_to(root).parts[:-1]))
    assert listed + hidden_inside == len(paths)
