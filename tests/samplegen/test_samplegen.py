"""The sample company: deterministic, as large as the contract promises, and its ground truth exact."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from shiplab.samplegen import SEED, generate
from shiplab.samplegen.build import files
from shiplab.samplegen.docmodel import Doc, Fact, SampleDataError
from shiplab.samplegen.identity import iban_is_valid

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
REGENERATE = "run `.venv/bin/python -m shiplab.samplegen --out datasets` and commit the result"


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """One generation into a fresh folder for the whole session: (folder, manifest)."""
    out = tmp_path_factory.mktemp("samplegen")
    return out, generate(out)


def read(generated, rel: str) -> str:
    return (generated[0] / rel).read_text(encoding="utf-8")


def jsonl(generated, rel: str) -> list[dict]:
    return [json.loads(line) for line in read(generated, rel).splitlines()]


# --- determinism -----------------------------------------------------------------------------------------------

def test_regenerating_gives_identical_bytes(generated):
    """Does a second generation (in memory) give the same sha256 for every file as the one on disk?"""
    folder, manifest = generated
    again = files(SEED)
    assert set(again) == set(manifest["files"])
    for rel, data in again.items():
        assert hashlib.sha256(data).hexdigest() == manifest["files"][rel]["sha256"], f"{rel} is not deterministic"
        assert (folder / rel).read_bytes() == data


def test_committed_datasets_match_the_generator(generated):
    """Are the committed datasets/ exactly what the generator makes now?"""
    committed = json.loads((DATASETS / "manifest.json").read_text(encoding="utf-8"))
    fresh = generated[1]
    assert committed["seed"] == SEED
    assert set(committed["files"]) == set(fresh["files"]), f"the set of generated files changed: {REGENERATE}"
    for rel, meta in fresh["files"].items():
        assert committed["files"][rel]["sha256"] == meta["sha256"], f"datasets/{rel} is out of date: {REGENERATE}"
        on_disk = hashlib.sha256((DATASETS / rel).read_bytes()).hexdigest()
        assert on_disk == meta["sha256"], f"datasets/{rel} was edited by hand: {REGENERATE}"


def test_generate_is_safe_to_rerun_and_removes_only_its_stale_files(tmp_path):
    """Does re-running into a folder remove files the generator no longer makes, and leave other files alone?"""
    generate(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    manifest["files"]["documents/retired-doc.md"] = {"sha256": "0", "bytes": 1}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    (tmp_path / "documents" / "retired-doc.md").write_text("old")
    (tmp_path / "notes.txt").write_text("mine")
    generate(tmp_path)
    assert not (tmp_path / "documents" / "retired-doc.md").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"


# --- backlog ---------------------------------------------------------------------------------------------------

def _jira(generated):
    rows = list(csv.reader(io.StringIO(read(generated, "backlog/nordlicht_jira.csv"), newline="")))
    return rows[0], rows[1:]


def test_jira_export_shape_counts_and_dates(generated):
    """Is the backlog a Jira CSV with repeated columns, ≥1,000 items of all four types and Jira-format dates?"""
    header, rows = _jira(generated)
    assert len(rows) >= 1000
    assert header.count("Labels") >= 2 and header.count("Component/s") >= 2
    assert "Outward issue link (Duplicate)" in header and "Inward issue link (Duplicate)" in header
    assert all(len(r) == len(header) for r in rows)
    types = Counter(r[header.index("Issue Type")] for r in rows)
    assert {"Epic", "Story", "Bug", "Incident"} <= set(types), types
    for col in ("Created", "Updated", "Resolved"):
        for r in rows:
            if r[header.index(col)] or col != "Resolved":
                datetime.strptime(r[header.index(col)], "%d/%b/%y %I:%M %p")
    keys = [r[header.index("Issue key")] for r in rows]
    assert len(keys) == len(set(keys)) and all(re.fullmatch(r"NVA-\d+", k) for k in keys)


def test_duplicates_are_linked_both_ways_and_reworded(generated):
    """Are there ≥60 duplicate pairs, linked on both tickets, with summaries that differ?"""
    header, rows = _jira(generated)
    key = header.index("Issue key")
    by_key = {r[key]: r for r in rows}
    outward = [i for i, h in enumerate(header) if h == "Outward issue link (Duplicate)"]
    inward = [i for i, h in enumerate(header) if h == "Inward issue link (Duplicate)"]
    pairs = [(r[key], r[i]) for r in rows for i in outward if r[i]]
    assert len(pairs) >= 60
    for dup, original in pairs:
        assert dup in [by_key[original][i] for i in inward], "the link must appear on both tickets"
        assert by_key[dup][0].lower() != by_key[original][0].lower(), "a duplicate is reworded, not copied"
        assert by_key[dup][header.index("Resolution")] == "Duplicate"
    summaries = Counter(r[0].lower() for r in rows)
    assert max(summaries.values()) == 1, "tickets are not clones: every summary is distinct"


def test_github_and_azure_exports_have_their_tools_shapes(generated):
    """Do the GitHub and Azure DevOps exports look like what those tools write?"""
    gh = json.loads(read(generated, "backlog/nordlicht_github_issues.json"))
    assert 100 <= len(gh) <= 200
    assert set(gh[0]) == {"number", "title", "body", "labels", "state", "createdAt", "closedAt", "author", "url"}
    assert all(isinstance(lab, dict) and "name" in lab for issue in gh for lab in issue["labels"])
    assert {i["state"] for i in gh} == {"OPEN", "CLOSED"}
    ado = list(csv.DictReader(io.StringIO(read(generated, "backlog/nordlicht_azure_devops.csv"), newline="")))
    assert 100 <= len(ado) <= 200
    assert {"ID", "Work Item Type", "Title", "State", "Assigned To", "Area Path", "Iteration Path", "Tags",
            "Created Date", "Changed Date", "Description"} == set(ado[0])
    assigned = [r["Assigned To"] for r in ado if r["Assigned To"]]
    assert assigned and all(re.fullmatch(r"[^<>]+ <[^@\s]+@nordlicht\.example>", a) for a in assigned)
    for r in ado:
        datetime.strptime(r["Created Date"], "%m/%d/%Y %I:%M %p")


# --- personal data ---------------------------------------------------------------------------------------------

def test_pii_ground_truth_is_exact_and_ibans_check(generated):
    """Does every planted entity sit exactly at its offsets, every IBAN pass mod-97 and every decoy fail it?"""
    records = jsonl(generated, "pii/texts.jsonl")
    assert len(records) >= 200
    types = Counter()
    for r in records:
        for e in r["entities"]:
            assert r["text"][e["start"]:e["end"]] == e["value"], (r["id"], e)
            types[e["type"]] += 1
            if e["type"] == "IBAN":
                assert iban_is_valid(e["value"]), e
        for d in r["decoys"]:
            assert not iban_is_valid(d) and d in r["text"], d
    assert set(types) == {"PERSON", "EMAIL", "PHONE", "IBAN", "POLICY_NUMBER", "CLAIM_NUMBER", "DATE_OF_BIRTH"}
    assert sum(len(r["decoys"]) for r in records) >= 10
    ibans = [e["value"] for r in records for e in r["entities"] if e["type"] == "IBAN"]
    assert {i[:2] for i in ibans} == {"DE", "AT", "NL", "FR", "BE", "CH"}
    assert any(" " in i for i in ibans) and any(" " not in i for i in ibans), "grouped and compact IBANs"


def test_backlog_pii_offsets_point_into_descriptions(generated):
    """Does every planted value in the backlog sit exactly at its offsets in that ticket's description?"""
    header, rows = _jira(generated)
    desc = {r[header.index("Issue key")]: r[header.index("Description")] for r in rows}
    planted = jsonl(generated, "pii/backlog_pii.jsonl")
    assert len(planted) >= 50
    for p in planted:
        assert p["field"] == "description" and desc[p["key"]][p["start"]:p["end"]] == p["value"], p


def test_iban_check_recognises_a_published_example_and_a_typo():
    """Does the mod-97 check accept a known-good IBAN and reject it with one digit changed?"""
    assert iban_is_valid("DE89 3704 0044 0532 0130 00")
    assert not iban_is_valid("DE89 3704 0044 0532 0130 01")


# --- claims ----------------------------------------------------------------------------------------------------

def test_claims_carry_their_expected_fields_in_varied_text(generated):
    """Does each of ≥100 claims contain its policy number and claimant, with nulls and varied wording?"""
    claims = jsonl(generated, "extraction/claims.jsonl")
    assert len(claims) >= 100
    assert {c["channel"] for c in claims} == {"email", "web_form", "letter"}
    for c in claims:
        exp = c["expected"]
        assert re.fullmatch(r"CLM-E-\d{4}", c["id"])
        assert exp["policy_number"] in c["text"] and exp["claimant_name"] in c["text"]
        assert exp["claim_type"] in ("motor", "household", "liability", "travel")
        datetime.strptime(exp["incident_date"], "%Y-%m-%d")
        if exp["iban"]:
            assert iban_is_valid(exp["iban"])
    for field in ("amount_eur", "iban", "email", "phone"):
        assert any(c["expected"][field] is None for c in claims), f"some claims must lack {field}"
    assert len({c["text"][:80] for c in claims}) > 0.9 * len(claims), "claims must be worded differently"


# --- documents and the gold set --------------------------------------------------------------------------------

class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], False

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("title", "script", "style")

    def handle_endtag(self, tag):
        self.skip = False

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def extract(path: Path) -> str:
    """Plain text as a reasonable extractor gets it, per format."""
    if path.suffix == ".md":
        return re.sub(r"\A---\n.*?\n---\n", "", path.read_text(encoding="utf-8"), flags=re.S)
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return "".join(parser.parts)
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    import docx

    return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)


@pytest.fixture(scope="session")
def corpus(generated):
    folder = generated[0] / "documents"
    index = list(csv.DictReader((folder / "index.csv").open(encoding="utf-8", newline="")))
    return index, {r["id"]: extract(folder / r["file"]) for r in index}


def test_documents_in_four_formats_substantive_and_classified(corpus):
    """Are there ≥40 documents, in md/html/pdf/docx, of several kinds, each of substantial length?"""
    index, texts = corpus
    assert len(index) >= 40 and {r["format"] for r in index} == {"md", "html", "pdf", "docx"}
    assert {r["id"] for r in index} == {Path(r["file"]).stem for r in index}
    assert {r["doc_type"] for r in index} == {"policy_wording", "claims_guideline", "runbook", "adr", "postmortem",
                                              "privacy_note"}
    assert {r["classification"] for r in index} == {"public", "internal", "confidential", "restricted"}
    short = {i: len(t.split()) for i, t in texts.items() if len(t.split()) < 350}
    assert not short, f"documents too thin to teach on: {short}"


def test_gold_passages_are_exact_and_unique_in_the_extracted_text(generated, corpus):
    """Is every gold passage an exact substring of its own document's extracted text, and of no other document?"""
    _, texts = corpus
    questions = jsonl(generated, "gold/questions.jsonl")
    assert len(questions) >= 60 and sum(not q["answerable"] for q in questions) >= 8
    assert len({q["id"] for q in questions}) == len(questions)
    for q in questions:
        assert q["answerable"] == bool(q["sources"]) and q["answer"]
        if not q["answerable"]:
            assert q["answer"] == "not in the documents"
        for s in q["sources"]:
            holders = [doc_id for doc_id, text in texts.items() if s["passage"] in text]
            assert holders == [s["doc_id"]], (q["id"], s["passage"], holders)


def test_a_misplaced_passage_is_refused():
    """Does the generator refuse a fact whose passage is not in its document (so a broken template cannot ship)?"""
    doc = Doc("x", "X", "runbook", "internal")
    doc.add("Section", "The port is 8080.", facts=[Fact("The port is 9090.", "Which port?", "9090")])
    with pytest.raises(SampleDataError, match="in 0 blocks"):
        doc.check()
