"""The sample company: deterministic, as large as promised, and its ground truth exact."""

import csv
import io
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from shiplab.samplegen import SEED, generate
from shiplab.samplegen.build import files
from shiplab.samplegen.identity import iban_is_valid

DATASETS = Path(__file__).resolve().parents[2] / "datasets"


@pytest.fixture(scope="module")
def out():
    return files(SEED)


def test_regenerating_gives_identical_bytes(tmp_path):
    """Does generating twice into fresh folders give byte-identical files?"""
    a = generate(tmp_path / "a")
    b = generate(tmp_path / "b")
    assert a == b
    for rel in a["files"]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


def test_committed_datasets_match_the_generator():
    """Are the committed datasets/ exactly what the generator makes? (If not: python -m shiplab.samplegen)"""
    committed = json.loads((DATASETS / "manifest.json").read_text())
    fresh = {rel: data for rel, data in files(committed["seed"]).items()}
    import hashlib

    for rel, meta in committed["files"].items():
        assert rel in fresh, f"{rel} is no longer generated: run `python -m shiplab.samplegen --out datasets`"
        assert hashlib.sha256(fresh[rel]).hexdigest() == meta["sha256"], (
            f"datasets/{rel} differs from the generator's output: run `python -m shiplab.samplegen --out datasets`")
        assert (DATASETS / rel).read_bytes() == fresh[rel], f"datasets/{rel} was edited by hand"


def _jira(out):
    rows = list(csv.reader(io.StringIO(out["backlog/nordlicht_jira.csv"].decode("utf-8"))))
    return rows[0], rows[1:]


def test_jira_export_shape_and_counts(out):
    """Is the backlog a Jira CSV with repeated columns, ≥1,000 items of all four types and parseable dates?"""
    header, rows = _jira(out)
    assert len(rows) >= 1000
    assert header.count("Labels") >= 2 and header.count("Component/s") >= 2
    types = {r[header.index("Issue Type")] for r in rows}
    assert {"Epic", "Story", "Bug", "Incident"} <= types
    created = header.index("Created")
    for r in rows:
        datetime.strptime(r[created], "%d/%b/%y %I:%M %p")
    keys = [r[header.index("Issue key")] for r in rows]
    assert len(keys) == len(set(keys))


def test_duplicates_are_linked_and_reworded(out):
    """Are there ≥60 duplicate pairs, linked both ways, with different wording?"""
    header, rows = _jira(out)
    by_key = {r[header.index("Issue key")]: r for r in rows}
    outward = [i for i, h in enumerate(header) if h == "Outward issue link (Duplicate)"]
    inward = [i for i, h in enumerate(header) if h == "Inward issue link (Duplicate)"]
    pairs = [(r[1], r[i]) for r in rows for i in outward if r[i]]
    assert len(pairs) >= 60
    for dup, original in pairs:
        assert dup in [by_key[original][i] for i in inward], "link must appear on both tickets"
        assert by_key[dup][0] != by_key[original][0], "a duplicate is reworded, not copied"
    summaries = [r[0] for r in rows]
    assert len(set(summaries)) >= 0.97 * len(summaries), "tickets that are not duplicates must not share a summary"


def test_other_exports(out):
    """Do the GitHub and Azure DevOps exports have the shapes those tools write?"""
    gh = json.loads(out["backlog/nordlicht_github_issues.json"])
    assert len(gh) >= 100 and {"number", "title", "body", "labels", "state", "createdAt"} <= set(gh[0])
    assert all(isinstance(lab, dict) and "name" in lab for issue in gh for lab in issue["labels"])
    ado = list(csv.DictReader(io.StringIO(out["backlog/nordlicht_azure_devops.csv"].decode())))
    assert len(ado) >= 100 and re.match(r".+ <.+@.+>", next(r["Assigned To"] for r in ado if r["Assigned To"]))


def test_pii_ground_truth_is_exact(out):
    """Does every planted entity sit exactly at its offsets, with valid IBANs and invalid decoys?"""
    records = [json.loads(line) for line in out["pii/texts.jsonl"].decode().splitlines()]
    assert len(records) >= 200
    types = set()
    for r in records:
        for e in r["entities"]:
            assert r["text"][e["start"]:e["end"]] == e["value"], (r["id"], e)
            types.add(e["type"])
            if e["type"] == "IBAN":
                assert iban_is_valid(e["value"]), e
        for d in r["decoys"]:
            assert not iban_is_valid(d), d
            assert d in r["text"]
    assert types == {"PERSON", "EMAIL", "PHONE", "IBAN", "POLICY_NUMBER", "CLAIM_NUMBER", "DATE_OF_BIRTH"}
    header, rows = _jira(out)
    desc = {r[1]: r[header.index("Description")] for r in rows}
    planted = [json.loads(line) for line in out["pii/backlog_pii.jsonl"].decode().splitlines()]
    assert len(planted) >= 50
    for p in planted:
        assert desc[p["key"]][p["start"]:p["end"]] == p["value"], p


def test_claims_have_their_expected_fields_in_the_text(out):
    """Does each of ≥100 claims contain the policy number and name it expects, in varied channels?"""
    claims = [json.loads(line) for line in out["extraction/claims.jsonl"].decode().splitlines()]
    assert len(claims) >= 100
    assert {c["channel"] for c in claims} == {"email", "web_form", "letter"}
    for c in claims:
        assert c["expected"]["policy_number"] in c["text"]
        assert c["expected"]["claimant_name"] in c["text"]
        assert c["expected"]["claim_type"] in ("motor", "household", "liability", "travel")
    assert any(c["expected"]["amount_eur"] is None for c in claims)
    assert len({c["text"][:60] for c in claims}) > 90, "claims must be worded differently"


def test_documents_in_four_formats_and_gold_passages_are_exact():
    """Are there ≥40 documents in md/html/pdf/docx, ≥60 questions (≥8 unanswerable), and is every gold passage
    found verbatim in exactly its own document's extracted text?"""
    from shiplab.data import load_documents

    docs = {d.id: d for d in load_documents(DATASETS / "documents")}
    assert len(docs) >= 40 and {d.format for d in docs.values()} == {"md", "html", "pdf", "docx"}
    qs = [json.loads(line) for line in (DATASETS / "gold" / "questions.jsonl").read_text().splitlines()]
    assert len(qs) >= 60 and sum(not q["answerable"] for q in qs) >= 8
    for q in qs:
        assert q["answerable"] == bool(q["sources"])
        for s in q["sources"]:
            holders = [i for i, d in docs.items() if s["passage"] in d.text]
            assert holders == [s["doc_id"]], (q["id"], holders)
    index = list(csv.DictReader((DATASETS / "documents" / "index.csv").open()))
    assert {r["id"] for r in index} == set(docs)
    assert {r["classification"] for r in index} >= {"public", "internal", "confidential"}
