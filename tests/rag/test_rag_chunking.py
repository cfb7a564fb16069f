"""Chunkers: each chunk is an exact slice of its document, carries its metadata, and together they cover the text."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shiplab.rag.chunking import (
    ChunkingError,
    chunk_by_heading,
    chunk_documents,
    chunk_fixed,
    chunk_recursive,
    markdown_sections,
    retrieval_text,
)

GUIDE = """Preamble before any heading.

# Motor claims

Glass damage is paid without excess when the glass is repaired, not replaced.

## Total loss

""" + "A vehicle is a total loss when repair costs exceed its replacement value. " * 40 + """

```
# not a heading: inside a code fence
```

# Household claims

Water damage from burst pipes is covered; gradual seepage is not.
"""
META = {"doc_id": "claims-guide", "title": "Claims handling guide", "classification": "internal", "owner": "Claims"}


def _assert_exact_and_covering(text, chunks):
    covered = set()
    for c in chunks:
        m = c.metadata
        assert text[m["start"] : m["end"]] == c.page_content
        covered.update(range(m["start"], m["end"]))
    missing = [i for i, ch in enumerate(text) if not ch.isspace() and i not in covered]
    assert not missing, f"characters not in any chunk, first at {missing[:1]}"


@pytest.mark.parametrize("chunker", [chunk_fixed, chunk_recursive, chunk_by_heading])
def test_chunks_are_slices_with_metadata_and_cover_the_text(chunker):
    """Is every chunk an exact slice carrying doc id, title, classification, index and offsets, with no text lost?"""
    chunks = chunker(GUIDE, metadata=META)
    assert len(chunks) >= 3
    _assert_exact_and_covering(GUIDE, chunks)
    for i, c in enumerate(chunks):
        m = c.metadata
        assert (m["doc_id"], m["title"], m["classification"], m["owner"]) == (
            "claims-guide", "Claims handling guide", "internal", "Claims")
        assert m["chunk_index"] == i and c.id == m["chunk_id"] and m["chunk_id"].startswith("claims-guide:")
    assert len({c.id for c in chunks}) == len(chunks)


def test_fixed_chunks_respect_size_and_overlap():
    """Are fixed windows at most `size` long, overlapping their neighbour, and cut between words?"""
    chunks = chunk_fixed(GUIDE, metadata=META, size=300, overlap=50)
    for a, b in pairwise(chunks):
        assert len(a.page_content) <= 300
        assert b.metadata["start"] < a.metadata["end"]  # overlap
        assert not GUIDE[a.metadata["end"]].isalnum() or not GUIDE[a.metadata["end"] - 1].isalnum()


def test_heading_chunks_follow_sections_and_ignore_code_fences():
    """Does each chunk know its heading path, with '#' lines inside code fences not starting a section?"""
    chunks = chunk_by_heading(GUIDE, metadata=META, max_size=600)
    sections = [c.metadata["section"] for c in chunks]
    assert sections[0] == "" and "Motor claims" in sections and sections[-1] == "Household claims"
    assert sections.count("Motor claims > Total loss") >= 3  # the long section was cut inside itself
    assert not any("not a heading" in s for s in sections)
    assert all(len(c.page_content) <= 700 for c in chunks)
    assert [s for _, _, s in markdown_sections("# A\ntext\n## B\nmore\n# C\n")] == ["", "A", "A > B", "C"]


@dataclass
class _Section:
    heading: str
    text: str


@dataclass
class _Doc:  # duck-typed like shiplab.data's normalized document
    id: str
    title: str
    text: str
    classification: str
    sections: list = field(default_factory=list)


def test_document_objects_and_their_sections_are_used():
    """Does an object with .id/.title/.text/.sections/.classification chunk by its own sections?"""
    text = "Scope\nThis runbook covers billing.\n\nSteps\nRestart the worker. Check the queue.\n"
    doc = _Doc("rb-billing", "Billing runbook", text, "restricted",
               [_Section("Scope", "This runbook covers billing."), _Section("Steps", "Restart the worker. Check the queue.")])
    chunks = chunk_by_heading(doc)
    assert [c.metadata["section"] for c in chunks] == ["Scope", "Steps"]
    assert chunks[1].page_content.startswith("Steps") and chunks[1].metadata["classification"] == "restricted"
    _assert_exact_and_covering(text, chunks)
    assert chunk_documents([doc, (GUIDE, META)], "recursive")[0].metadata["doc_id"] == "rb-billing"


def test_heading_pairs_are_found_despite_respaced_text():
    """Are (heading, text) section pairs located even when the reader re-spaced the document text?"""
    text = "Claims Guide\n\nIntake\nCall   the\nclaimant within 24 hours.\n\nPayment\nPay after approval.\n"
    doc = _Doc("cg", "Claims Guide", text, "internal",
               [("Intake", "Call the claimant within 24 hours."), ("Payment", "Pay after approval.")])
    chunks = chunk_by_heading(doc)
    assert [c.metadata["section"] for c in chunks] == ["Intake", "Payment"]
    assert chunks[0].page_content.startswith("Claims Guide") and "24 hours" in chunks[0].page_content
    _assert_exact_and_covering(text, chunks)
    unfindable = _Doc("x", "X", text, "internal", [("Ghost", "This sentence is not in the text.")])
    assert [c.metadata["section"] for c in chunk_by_heading(unfindable)] == [""]  # falls back to markdown parsing


def test_rechunking_gives_the_same_ids():
    """Does chunking an unchanged document twice give identical ids (so upserts are idempotent)?"""
    assert [c.id for c in chunk_recursive(GUIDE, metadata=META)] == [c.id for c in chunk_recursive(GUIDE, metadata=META)]


def test_bad_settings_and_inputs_are_explained():
    """Do a tiny size, an overlap >= size, an unknown chunker and a text-less object each get a clear error?"""
    with pytest.raises(ChunkingError, match="too small"):
        chunk_fixed(GUIDE, size=5)
    with pytest.raises(ChunkingError, match="smaller than the chunk size"):
        chunk_recursive(GUIDE, size=100, overlap=100)
    with pytest.raises(ChunkingError, match="Unknown chunker"):
        chunk_documents([GUIDE], "semantic")
    with pytest.raises(ChunkingError, match="needs a string .text"):
        chunk_fixed(object())


@settings(max_examples=60, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab c\n#.é"), max_size=600),
       size=st.integers(min_value=20, max_value=120), chunker=st.sampled_from([chunk_fixed, chunk_recursive]))
def test_any_text_is_covered_exactly(text, size, chunker):
    """For arbitrary text, are chunks exact slices that leave no visible character out?"""
    _assert_exact_and_covering(text, chunker(text, metadata={"doc_id": "h"}, size=size, overlap=size // 4))


@settings(max_examples=60, deadline=None)
@given(text=st.lists(st.sampled_from(["# ", "## ", "\n", "```", "word ", "x", " "]), max_size=120).map("".join))
def test_any_markdown_is_covered_by_heading_chunks(text):
    """For arbitrary markdown-ish text, are heading chunks exact slices that leave nothing out?"""
    _assert_exact_and_covering(text, chunk_by_heading(text, metadata={"doc_id": "h"}, max_size=60, overlap=10))


def test_retrieval_text_puts_title_and_section_first():
    """Is a chunk indexed with its document title and section ahead of its text, and left as is without them?"""
    chunk = chunk_by_heading(GUIDE, metadata=META, max_size=600)[1]
    assert retrieval_text(chunk) == f"Claims handling guide — Motor claims\n{chunk.page_content}"
    bare = chunk_fixed("plain words here", metadata={"doc_id": "p"})[0]
    assert retrieval_text(bare) == "plain words here"
