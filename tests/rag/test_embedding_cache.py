"""The read-only cache of the sample texts' vectors (shiplab.rag.embcache): exact, or not used; read only from the
instructor's place, never from a submission."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest

from shiplab.rag import VectorRetriever, chunk_documents, collection_for, embcache, upsert_chunks
from shiplab.rag.chunking import retrieval_text
from shiplab.rag.embeddings import LocalMiniLM

OWN = ["Our team's runbook: restart the ingest worker before paging anyone.",
       "Sprint 14 retro: the flaky login test cost us two days."]


@pytest.fixture(scope="module")
def sample():
    """(40 chunks of the sample handbook, their texts, 12 gold questions)."""
    from shiplab.data import load_sample_documents
    from shiplab.data.api import datasets_dir
    from shiplab.rag import load_gold

    chunks = chunk_documents(load_sample_documents(), "heading")[::7][:40]
    questions = [q["question"] for q in load_gold(datasets_dir() / "gold" / "questions.jsonl")][:12]
    return chunks, [retrieval_text(c) for c in chunks], questions


@pytest.fixture(scope="module")
def built(sample, tmp_path_factory):
    """A cache of those texts, built as the course build does (default threads, batches)."""
    _, texts, questions = sample
    path = tmp_path_factory.mktemp("cache") / embcache.FILE_NAME
    report = embcache.ensure_sample_cache(path, texts + questions)
    assert report.written and report.computed == len(texts) + len(questions)
    return path


def uncached(threads: int = 1) -> LocalMiniLM:
    return LocalMiniLM(threads=threads, cache=False)


def test_cached_vectors_are_the_models_exactly(sample, built):
    """Is every cached vector bit for bit the model's, whether the model embeds the texts in one batch, one by one
    or on another thread count — and is the model not even loaded when every text is cached?"""
    _, texts, questions = sample
    cache = embcache.open_cache(built)
    assert cache is not None and len(cache) == len(texts) + len(questions)
    in_batch = uncached(1).embed_array(texts)
    alone = np.vstack([uncached(2).embed_array([t]) for t in texts[:10]])
    got = NoModel(threads=1, cache=cache).embed_array(texts)
    assert got.dtype == np.float32 and np.array_equal(got, in_batch)
    assert np.array_equal(got[:10], alone)
    assert all(np.array_equal(cache.get(q), uncached().embed_array([q])[0]) for q in questions)


class NoModel(LocalMiniLM):
    @property
    def encoder(self):
        raise AssertionError("the model was loaded although every text is cached")


def test_own_texts_are_embedded_by_the_model_and_kept_in_order(sample, built):
    """Are a participant's own texts, mixed in among cached ones, embedded by the model, each in its place?"""
    _, texts, _ = sample
    mixed = [texts[0], OWN[0], texts[1], OWN[1], texts[2]]
    got = LocalMiniLM(threads=1, cache=embcache.open_cache(built)).embed_array(mixed)
    assert np.array_equal(got, uncached().embed_array(mixed))
    assert embcache.open_cache(built).lookup(mixed)[1] == [1, 3]


def test_retrieval_is_the_same_with_and_without_the_cache(sample, built, tmp_path):
    """Does a store indexed through the cache return the same chunks with the same scores for the gold questions?"""
    chunks, _, questions = sample
    results = []
    for name, embeddings in (("with", LocalMiniLM(threads=1, cache=embcache.open_cache(built))),
                             ("without", uncached())):
        store = collection_for(name, "handbook", root=tmp_path, embeddings=embeddings)
        upsert_chunks(store, chunks)
        retriever = VectorRetriever(store=store, k=4)
        results.append([[(d.id, d.metadata["score"]) for d in retriever.invoke(q)] for q in questions])
    assert results[0] == results[1]


def _copy(built: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(built, folder / embcache.FILE_NAME))


DAMAGES = ["empty", "header only", "short header", "truncated", "one byte short", "one byte more", "a key bit",
           "a vector bit", "the magic", "the identity", "the count"]


def _damaged(data: bytes) -> dict[str, bytes]:
    header = embcache.HEADER.size
    count = embcache.HEADER.unpack_from(data)[3]
    vectors_at = header + count * embcache.KEY_BYTES
    flip = lambda at: data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1:]  # noqa: E731
    return {"empty": b"", "header only": data[:header], "short header": data[:50], "truncated": data[:len(data) // 2],
            "one byte short": data[:-1], "one byte more": data + b"\0", "a key bit": flip(header + 5),
            "a vector bit": flip(vectors_at + 4 * 17 + 3), "the magic": flip(2), "the identity": flip(40),
            "the count": flip(28)}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_cache_is_not_used_and_vectors_are_still_right(sample, built, tmp_path, monkeypatch, caplog,
                                                                 damage):
    """Is a truncated or corrupted cache file ignored as a whole, with a warning, and every text embedded by the model
    instead — never a crash, never a wrong vector?"""
    _, texts, _ = sample
    path = _copy(built, tmp_path / "trusted")
    path.write_bytes(_damaged(built.read_bytes())[damage])
    monkeypatch.setenv(embcache.CACHE_ENV, str(path))
    with caplog.at_level(logging.WARNING, logger="shiplab.rag.embcache"):
        assert embcache.open_cache(path) is None
        got = LocalMiniLM(threads=1).embed_array(texts[:5])
    assert "Not using the embedding cache" in caplog.text
    assert np.array_equal(got, uncached().embed_array(texts[:5]))


def test_a_missing_cache_or_none_wanted_means_the_model(sample, tmp_path, monkeypatch, caplog):
    """Without a cache file (or with SHIPLAB_EMBED_CACHE=off) is everything embedded by the model, silently?"""
    _, texts, _ = sample
    for value in (str(tmp_path / "nothing-here.cache"), "off"):
        monkeypatch.setenv(embcache.CACHE_ENV, value)
        with caplog.at_level(logging.WARNING):
            assert embcache.default_cache() is None
            assert np.array_equal(LocalMiniLM(threads=1).embed_array(texts[:3]), uncached().embed_array(texts[:3]))
    assert "embedding cache" not in caplog.text


def test_a_cache_for_another_model_or_machine_is_not_used(sample, built):
    """Is a cache made for another identity (model file, onnxruntime, CPU) refused, and does the identity change
    with the model file?"""
    assert embcache.open_cache(built, identity=b"\1" * 32) is None
    assert embcache.model_identity() != embcache.model_identity(str(embcache.minilm.TOKENIZER_PATH))


@pytest.mark.parametrize("who", ["group", "others", "folder"])
def test_a_cache_others_may_write_is_not_trusted(built, tmp_path, who):
    """Is a cache file that others than its owner may write, or that lies in a folder anyone may write, ignored?"""
    path = _copy(built, tmp_path / "place")
    assert embcache.open_cache(path) is not None
    if who == "folder":
        path.parent.chmod(0o777)
    else:
        path.chmod(0o664 if who == "group" else 0o646)
    assert embcache.open_cache(path) is None


def test_the_cache_is_never_read_from_the_working_folder(built, tmp_path, monkeypatch):
    """With a cache planted where a notebook's folder would hold it (the working directory, a datasets/ there), is
    the trusted place still the package's own, outside that folder?"""
    for where in ("datasets/embeddings", "embeddings", "."):
        _copy(built, tmp_path / where)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(embcache.CACHE_ENV, raising=False)
    monkeypatch.delenv("SHIPLAB_DATASETS", raising=False)
    path = embcache.default_path()
    assert path is not None and tmp_path not in path.resolve().parents
    assert path == Path(embcache.__file__).resolve().parents[3] / "datasets" / "embeddings" / embcache.FILE_NAME


def test_building_is_idempotent_keeps_vectors_and_leaves_a_read_only_file(sample, built, tmp_path):
    """Does a second build leave an up-to-date file alone, a changed set of texts compute only the new ones, and the
    file end up readable by all and writable by its owner only?"""
    _, texts, questions = sample
    path = _copy(built, tmp_path / "course")
    again = embcache.ensure_sample_cache(path, texts + questions)
    assert not again.written and again.computed == 0
    changed = embcache.ensure_sample_cache(path, texts[:-1] + questions + OWN)
    assert changed.written and changed.computed == len(OWN)
    assert oct(path.stat().st_mode & 0o777) == oct(0o644) and oct(path.parent.stat().st_mode & 0o777) == oct(0o755)
    cache = embcache.open_cache(path)
    assert len(cache) == len(texts) - 1 + len(questions) + len(OWN) and cache.get(texts[-1]) is None
    assert np.array_equal(cache.get(OWN[0]), uncached().embed_array([OWN[0]])[0])


def test_the_worker_hands_only_its_own_setting_to_the_sandbox(monkeypatch, tmp_path):
    """Does a graded kernel get SHIPLAB_EMBED_CACHE only from the worker's environment?"""
    from shiplab.grading.sandbox import _sandbox_env

    monkeypatch.delenv(embcache.CACHE_ENV, raising=False)
    assert embcache.CACHE_ENV not in _sandbox_env(tmp_path, "t")
    monkeypatch.setenv(embcache.CACHE_ENV, "/srv/course/embeddings.cache")
    assert _sandbox_env(tmp_path, "t")[embcache.CACHE_ENV] == "/srv/course/embeddings.cache"


PROBE = """
import json
from shiplab.rag import embcache
from shiplab.rag.embeddings import LocalMiniLM
cache = embcache.default_cache()
print(json.dumps({"path": str(embcache.default_path()), "cache": str(cache.path) if cache else None,
                  "vector": LocalMiniLM().embed_array([TEXT])[0][:8].tolist()}))
"""


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox's accounts need root")
def test_a_graded_kernel_reads_the_instructors_cache_not_the_submissions(sample, built, monkeypatch):
    """Graded in the sandbox, with a forged cache (right format and checksum, wrong vectors) handed in beside the
    notebook, does the kernel read the instructor's cache, and get the model's vector?"""
    import nbformat

    from shiplab.grading.sandbox import Sandbox

    _, texts, _ = sample
    # beside the real cache: the sandbox has a /tmp of its own, and its account reads the repository's datasets/
    home = embcache.default_path().parent if embcache.default_path() else None
    if home is None or not os.access(home.parent, os.W_OK):
        pytest.skip("no writable datasets/ beside the package")
    home.mkdir(mode=0o755, exist_ok=True)
    place = Path(tempfile.mkdtemp(prefix=".test-", dir=home))
    try:
        place.chmod(0o755)
        trusted = _copy(built, place)
        identity = embcache.model_identity()
        forged = place / "forged.cache"
        wrong = np.zeros(embcache.minilm.DIMENSION, dtype=np.float32)
        wrong[0] = 1.0
        embcache.write_cache(forged, identity, {embcache.text_key(identity, texts[0]): wrong})
        monkeypatch.setenv(embcache.CACHE_ENV, str(trusted))
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(f"TEXT = {texts[0]!r}\n" + PROBE)]
        files = {name: forged for name in (embcache.FILE_NAME, f"datasets/embeddings/{embcache.FILE_NAME}",
                                           f"embeddings/{embcache.FILE_NAME}")}
        run = Sandbox(slots=1).execute(nb, files)
        assert run.notebook, f"{run.reason}\n{run.log_tail}"
        out = run.notebook["cells"][0]["outputs"]
        said = json.loads(next(o["text"] for o in out if o.get("name") == "stdout"))
        assert said["path"] == said["cache"] == str(trusted)
        assert np.array_equal(np.float32(said["vector"]), uncached().embed_array([texts[0]])[0][:8])
    finally:
        shutil.rmtree(place, ignore_errors=True)


def test_the_course_build_makes_the_cache_and_never_fails_for_it(tmp_path, monkeypatch):
    """Does building a lab that embeds make the cache (a lab that does not leave it alone), say "up to date" the
    second time, and is a cache that cannot be written a sentence, never a failed build?"""
    from shiplab.course.build import cache_sample_embeddings

    labs = tmp_path / "labs"
    for lab, body in (("rag", "from shiplab.rag import default_embeddings"), ("plain", "print(1)")):
        (labs / lab).mkdir(parents=True)
        (labs / lab / f"{lab}.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": body}]}))
    monkeypatch.setattr(embcache, "sample_texts", lambda: OWN)
    monkeypatch.setenv(embcache.CACHE_ENV, str(tmp_path / "course" / embcache.FILE_NAME))
    assert cache_sample_embeddings(labs, ["plain"]) is None and not (tmp_path / "course").exists()
    assert f"{len(OWN)} embedded now" in cache_sample_embeddings(labs, ["rag"])
    assert cache_sample_embeddings(labs, ["rag"]).endswith("up to date")
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv(embcache.CACHE_ENV, str(tmp_path / "a-file" / "sub" / embcache.FILE_NAME))
    said = cache_sample_embeddings(labs, ["rag"])
    assert said.startswith("sample embeddings not cached") and "How to fix" in said
