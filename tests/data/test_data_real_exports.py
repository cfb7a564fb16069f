"""Real public exports and a real documentation tree (tests/data/real/, sources and licences in its README): what
each must import to, and how precise personal-data detection is on their text."""

import csv
import re
from datetime import datetime, timezone
from pathlib import Path

from shiplab.data import load_backlog, load_documents, pii
from shiplab.data.dates import DateReader

REAL = Path(__file__).resolve().parent / "real"


def test_anysoftkeyboard_gh_issue_list():
    """Does AnySoftKeyboard's `gh issue list --json` output import whole: 26 open issues with authors and dates, and
    only the one whose title is an e-mail address restricted?"""
    items = load_backlog(REAL / "anysoftkeyboard" / "issues.json")
    assert items.format == "github" and len(items) == 26 and not items.skipped and not items.notes
    assert (items[0].key, items[-1].key) == ("#4657", "#4587")
    assert {i.status for i in items} == {"Open"} and all(i.resolved is None for i in items)
    assert items[0].created == datetime(2026, 2, 7, 6, 11, 47, tzinfo=timezone.utc)
    assert items[0].reporter == "ilyaza" and items[-1].reporter == "menny"
    assert sum(1 for i in items if not i.description) == 5, "five issues were filed with an empty body"
    assert [i.key for i in items if i.classification == "restricted"] == ["#4634"]


def test_cned_french_jira_export_with_a_mapping():
    """Does the French Jira export import with its mapping: 8 items, epics and tasks, its padding columns ignored?"""
    folder = REAL / "cned-jira"
    items = load_backlog(folder / "JIRA.csv", mapping=folder / "mapping.yaml")
    assert [i.key for i in items] == [f"CNED-{n}" for n in range(1, 9)]
    assert [i.type for i in items].count("Épopée") == 5 and [i.type for i in items].count("Tâche") == 3
    assert items[5].summary == "Montée en compétence GBA" and items[5].status == "Validé"
    assert {i.reporter for i in items} == {"jetessie"} and items[7].assignee == "wpetit"
    assert all(i.classification == "internal" for i in items)


def test_cned_french_month_names_read_from_the_column():
    """Do the export's own dates (10/oct./16 11:54 AM, 06/août/15 12:00 PM) read as French without being told?"""
    cells = [c for row in csv.reader((REAL / "cned-jira" / "JIRA.csv").open(encoding="utf-8")) for c in row]
    found = [c for c in cells if re.fullmatch(r"\d\d/[^\W\d]+\.?/\d\d \d{1,2}:\d\d [AP]M", c)]
    assert len(found) == 8
    reader = DateReader(found)
    assert reader.detected_locale == "fr"
    assert reader.read("10/oct./16 11:54 AM") == datetime(2016, 10, 10, 11, 54, tzinfo=timezone.utc)
    assert {reader.read(c).month for c in found} == {8, 10}


def test_tljh_documentation_tree():
    """Does the TLJH docs tree import as it is: 10 documents, ids from paths, titles from headings, and
    requirements.txt and LICENSE left out with a note while topic/requirements.md is a document?"""
    docs = load_documents(REAL / "tljh-docs")
    by_id = {d.id: d for d in docs}
    assert sorted(by_id) == ["contributing/index", "howto/admin/resize", "howto/index", "install/add_users",
                             "install/index", "topic/idle-culler", "topic/index", "topic/requirements",
                             "topic/security", "topic/whentouse"]
    assert by_id["topic/requirements"].title == "Server Requirements"
    assert by_id["howto/admin/resize"].provenance.source == "howto/admin/resize.md"
    assert by_id["install/add_users"].format == "txt"
    assert "sudo tljh-config set services.cull.timeout" in by_id["topic/idle-culler"].text
    headings = [h for h, _ in by_id["topic/idle-culler"].sections]
    assert "Idle timeout" in headings and not any(h.startswith("sudo") for h in headings)
    assert sorted(docs.skipped) == ["LICENSE: not a document type (LICENSE)",
                                    "requirements.txt: a tool's file, not a document"]
    assert all(d.classification == "internal" for d in docs)


# What a person reading these texts marks as personal data (issue key or document id, type, value).
TRUTH = {("#4634", "EMAIL", "veszettcsiga@gmail.com")}


def test_precision_on_real_text():
    """How precise is detection on the real issues, export and documents (every find hand-checked): no false alarm,
    and the one real e-mail address found?"""
    records = [(i.key, f"{i.summary}\n{i.description}")
               for i in load_backlog(REAL / "anysoftkeyboard" / "issues.json", classify=False)]
    records += [(i.key, f"{i.summary}\n{i.description}") for i in
                load_backlog(REAL / "cned-jira" / "JIRA.csv", mapping=REAL / "cned-jira" / "mapping.yaml",
                             classify=False)]
    records += [(d.id, d.text) for d in load_documents(REAL / "tljh-docs", classify=False)]
    found = {(key, e.type, e.value) for key, text in records for e in pii.detect(text)}
    tp, fp, fn = found & TRUTH, found - TRUTH, TRUTH - found
    precision = len(tp) / max(1, len(found))
    print(f"real text: {len(records)} records, {len(found)} finds, precision {precision:.2f}, "
          f"recall {len(tp) / len(TRUTH):.2f}, false alarms {sorted(fp)}")
    assert not fp and not fn
