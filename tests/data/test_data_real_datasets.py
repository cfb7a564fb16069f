"""The importers over the real generated datasets/ (skipped, saying why, while those files are absent)."""

import csv
from collections import Counter

from datahelp import comparable, dataset

from shiplab.data import load_backlog, load_documents
from shiplab.data.export import write_records


def test_jira_backlog():
    """Does the sample Jira export import whole: ≥ 1,000 items, repeated columns, ≥ 60 duplicate pairs, parents?"""
    items = load_backlog(dataset("backlog", "nordlicht_jira.csv"))
    keys = {i.key for i in items}
    assert len(items) >= 1000 and all(i.created and i.created.tzinfo for i in items)
    assert any(len(i.labels) >= 2 for i in items) and any(len(i.components) >= 2 for i in items)
    pairs = {tuple(sorted((i.key, k))) for i in items for t, k in i.links if t == "duplicates"}
    assert len(pairs) >= 60 and all(k in keys for pair in pairs for k in pair)
    assert all(("is duplicated by", a) in next(i for i in items if i.key == b).links for a, b in
               [(x, y) for i in items for t, y in i.links if t == "duplicates" for x in [i.key]])
    parents = [i.parent for i in items if i.parent]
    assert parents and all(p in keys for p in parents), "every Parent id resolves to an epic's key"
    assert Counter(i.provenance.format for i in items) == {"jira": len(items)}


def test_github_and_azure_backlogs():
    """Do the sample GitHub and Azure DevOps exports import with their formats told from the content?"""
    gh = load_backlog(dataset("backlog", "nordlicht_github_issues.json"))
    az = load_backlog(dataset("backlog", "nordlicht_azure_devops.csv"))
    assert len(gh) >= 100 and {i.provenance.format for i in gh} == {"github"}
    assert len(az) >= 100 and {i.provenance.format for i in az} == {"azure"}
    assert all(i.summary and i.created for i in gh + az)
    assert not any("<" in i.assignee or "@" in i.assignee for i in az), "Azure's 'Name <email>' keeps the name"


def test_round_trip_of_the_sample_backlog(tmp_path):
    """Does the whole Jira backlog survive export to CSV and import unchanged?"""
    items = load_backlog(dataset("backlog", "nordlicht_jira.csv"))
    assert comparable(load_backlog(write_records(tmp_path / "all.csv", items))) == comparable(items)


def test_documents_match_their_index():
    """Do all sample documents import with the title, type, class and format their index.csv gives?"""
    index = {r["id"]: r for r in csv.DictReader(dataset("documents", "index.csv").open(encoding="utf-8"))}
    docs = {d.id: d for d in load_documents(dataset("documents"))}
    assert set(docs) == set(index) and len(docs) >= 40
    for doc_id, row in index.items():
        d = docs[doc_id]
        assert (d.title, d.doc_type, d.format) == (row["title"], row["doc_type"], row["format"]), doc_id
        assert d.classification == row["classification"], f"{doc_id}: no personal data is planted in documents"
        assert d.text.strip() and (d.sections or d.format == "pdf"), doc_id
