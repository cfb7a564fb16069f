"""Participant stores on disk: names chromadb accepts, idempotent upserts, one writer, reopening in a new process."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from shiplab.rag.chunking import chunk_recursive
from shiplab.rag.retrieval import VectorRetriever
from shiplab.rag.store import (
    LOCK_NAME,
    StoreError,
    collection_for,
    participant_dir,
    release,
    safe_name,
    stored_documents,
    upsert_chunks,
)

TOPICS = ["windscreen repair", "burst water pipe", "broker API timeout", "fraud score threshold", "invoice reminder",
          "customer portal login", "GDPR deletion request", "hail damage to a roof", "rental car after an accident",
          "policy renewal letter"]
QUERIES = ["cracked windshield", "flooded kitchen", "portal password", "personal data erasure", "late payment"]


def _corpus():
    docs = []
    for i, topic in enumerate(TOPICS):
        for j in range(6):
            text = (f"Case {i}-{j} is about {topic}. The handler noted step {j} for the {topic} case. "
                    f"Escalate {topic} issues to team {j % 3} when they stay open more than {j + 2} days.")
            docs.extend(chunk_recursive(text, metadata={"doc_id": f"case-{i}-{j}", "title": topic}, size=120, overlap=0))
    return docs


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, **env})


def test_names_are_made_valid_for_chromadb_without_collisions():
    """Are short, e-mail-like and dotted names turned into distinct chromadb-valid names, valid ones kept?"""
    assert safe_name("documents") == "documents"
    names = {safe_name(n) for n in ["ab", "a@b.example", "a.b.example", "a b", "..x..", "ÄÖÜ", "10.0.0.1"]}
    assert len(names) == 7
    for name in names:
        assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9._-]{1,510}[a-zA-Z0-9]", name) and ".." not in name
    with pytest.raises(StoreError, match="empty"):
        safe_name("  ")


def test_upsert_is_idempotent_and_drops_stale_chunks(tmp_path, embeddings):
    """Does ingesting twice keep one copy, and re-chunking a document remove its old chunks?"""
    store = collection_for("ann", "docs", root=tmp_path, embeddings=embeddings)
    try:
        chunks = _corpus()
        assert upsert_chunks(store, chunks) == {"upserted": len(chunks), "removed": 0}
        assert upsert_chunks(store, chunks)["removed"] == 0
        assert store._collection.count() == len(chunks)
        text = "A new single paragraph replaces case 0-0 entirely."
        result = upsert_chunks(store, chunk_recursive(text, metadata={"doc_id": "case-0-0"}))
        old = [c for c in chunks if c.metadata["doc_id"] == "case-0-0"]
        assert result == {"upserted": 1, "removed": len(old)}
        mine = [d for d in stored_documents(store) if d.metadata["doc_id"] == "case-0-0"]
        assert [d.page_content for d in mine] == [text]
        with pytest.raises(StoreError, match="no id"):
            from langchain_core.documents import Document

            upsert_chunks(store, [Document(page_content="no id")])
    finally:
        release(participant_dir("ann", tmp_path))


@pytest.mark.slow
def test_a_second_process_cannot_write_while_the_first_holds_the_store(tmp_path, embeddings):
    """Does another process get a clear 'already open ... pid' error, and get in once the first releases?"""
    store = collection_for("bob", "docs", root=tmp_path, embeddings=embeddings)
    directory = participant_dir("bob", tmp_path)
    assert (directory / LOCK_NAME).read_text() == str(os.getpid())
    code = f"""
        from shiplab.rag.store import collection_for, StoreBusyError
        from shiplab.rag.embeddings import LocalMiniLM
        try:
            collection_for("bob", "docs", root={str(tmp_path)!r}, embeddings=LocalMiniLM())
        except StoreBusyError as exc:
            print("BUSY", exc)
        else:
            print("OPENED")
    """
    first = _run(code)
    assert "BUSY" in first.stdout and f"pid {os.getpid()}" in first.stdout, first.stderr
    assert "release" in first.stdout  # says how to fix it
    assert store._collection.count() == 0  # our handle still works
    assert release(directory)
    second = _run(code)
    assert "OPENED" in second.stdout, second.stderr


@pytest.mark.slow
def test_reopened_in_a_new_process_the_store_gives_the_same_top5(tmp_path, embeddings):
    """Does a fresh process (raw chromadb, no embedding function passed) rebuild ours and return the same top-5?"""
    store = collection_for("carla@example.org", "case notes", root=tmp_path, embeddings=embeddings)
    upsert_chunks(store, _corpus())
    retriever = VectorRetriever(store=store, k=5)
    expected = {q: [d.id for d in retriever.invoke(q)] for q in QUERIES}
    directory = participant_dir("carla@example.org", tmp_path)
    release(directory)
    code = f"""
        import json, chromadb
        from chromadb.config import Settings
        import shiplab.rag  # registers the shiplab-minilm embedding function
        from shiplab.rag.store import collection_for, safe_name
        from shiplab.rag.retrieval import VectorRetriever
        raw = chromadb.PersistentClient({str(directory)!r}, settings=Settings(anonymized_telemetry=False,
                                        allow_reset=False)).get_collection(safe_name("case notes"))
        ef = type(raw.configuration["embedding_function"]).__name__
        raw_top = {{q: raw.query(query_texts=[q], n_results=5)["ids"][0] for q in {QUERIES!r}}}
        store = collection_for("carla@example.org", "case notes", root={str(tmp_path)!r})
        retriever = VectorRetriever(store=store, k=5)
        top = {{q: [d.id for d in retriever.invoke(q)] for q in {QUERIES!r}}}
        print(json.dumps({{"ef": ef, "raw": raw_top, "top": top}}))
    """
    result = _run(code, SHIPLAB_GATEWAY_URL="")
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["ef"] == "ShiplabEmbeddingFunction"
    assert seen["top"] == expected
    assert seen["raw"] == expected


class CountingEmbeddings:
    """The session's model, counting the texts it embeds."""

    def __init__(self, model):
        self.model, self.texts = model, 0

    def embed_documents(self, texts):
        self.texts += len(texts)
        return self.model.embed_documents(texts)

    def embed_query(self, text):
        return self.model.embed_query(text)


def test_a_deferring_store_embeds_only_when_read_and_reads_what_an_eager_one_wrote(tmp_path, embeddings,
                                                                                   monkeypatch):
    """With SHIPLAB_DEFER_INDEXING=1 (the grading judge), does upsert_chunks embed nothing until the store is used,
    and do a search and a listing then give what the same upserts give an ordinary store, stale chunks dropped?"""
    docs = _corpus()
    rechunked = chunk_recursive("A new single paragraph replaces case 0-0 entirely.", metadata={"doc_id": "case-0-0"})
    eager = collection_for("eager", root=tmp_path, embeddings=embeddings)
    monkeypatch.setenv("SHIPLAB_DEFER_INDEXING", "1")
    counting = CountingEmbeddings(embeddings)
    lazy = collection_for("lazy", root=tmp_path, embeddings=counting)
    try:
        old = [c for c in docs if c.metadata["doc_id"] == "case-0-0"]
        for batch in (docs, rechunked):
            upsert_chunks(eager, batch)
        assert upsert_chunks(lazy, docs) == {"upserted": len(docs), "removed": 0}
        retriever = VectorRetriever(store=lazy, k=5)  # building on the store is no use of it
        assert counting.texts == 0
        # the first write is done before the second finds the chunks it replaces
        assert upsert_chunks(lazy, rechunked) == {"upserted": len(rechunked), "removed": len(old)}
        assert counting.texts == len(docs)
        hits = [(d.id, round(d.metadata["score"], 5)) for d in retriever.invoke("flooded kitchen")]
        assert counting.texts == len(docs) + len(rechunked)
        assert hits == [(d.id, round(d.metadata["score"], 5))
                        for d in VectorRetriever(store=eager, k=5).invoke("flooded kitchen")]
        assert sorted(d.id for d in stored_documents(lazy)) == sorted(d.id for d in stored_documents(eager))
        monkeypatch.delenv("SHIPLAB_DEFER_INDEXING")
        assert type(collection_for("plain", root=tmp_path, embeddings=embeddings)).__name__ == "Chroma"
    finally:
        for user in ("eager", "lazy", "plain"):
            release(participant_dir(user, tmp_path))
