"""shiplab.data.doccache: the sample PDF and DOCX files, read once by the course's build, are looked up by content —
the same documents as reading them, none of the readers' libraries imported — and a cache that is not exactly for
these readers, or that others may write, is not used."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from shiplab.data import doccache, documents
from shiplab.data.api import datasets_dir, load_documents

SRC = str(Path(__file__).resolve().parents[2] / "src")


@pytest.fixture
def samples(tmp_path, monkeypatch):
    """A datasets/ of the sample documents (every format) whose cache is the default one; no cache yet."""
    root = tmp_path / "datasets"
    shutil.copytree(datasets_dir() / "documents", root / "documents")
    monkeypatch.setenv("SHIPLAB_DATASETS", str(root))
    doccache._opened.cache_clear()
    yield root
    doccache._opened.cache_clear()


def reads(monkeypatch) -> list[str]:
    """The formats the real readers were run on from now on."""
    seen = []
    for fmt in doccache.FORMATS:
        real = documents.reader_for(fmt)
        monkeypatch.setattr(documents, f"_{fmt}_parts", lambda data, real=real, fmt=fmt: seen.append(fmt) or real(data))
    return seen


def as_dicts(folder: Path) -> list[dict]:
    return [d.to_dict() for d in load_documents(folder)]


def test_the_cached_documents_are_the_read_ones_and_no_reader_runs(samples, monkeypatch):
    """With the cache built, are the 42 documents equal to reading them, with no PDF or DOCX reader run?"""
    read = as_dicts(samples / "documents")
    said = doccache.ensure_sample_cache()
    assert said.endswith("20 sample PDF and DOCX files read"), said
    assert doccache.ensure_sample_cache().endswith("up to date")
    path = doccache.default_path()
    assert path == samples / "embeddings" / doccache.FILE_NAME and oct(path.stat().st_mode & 0o777) == "0o644"
    seen = reads(monkeypatch)
    assert as_dicts(samples / "documents") == read and seen == []


def test_a_kernel_loading_the_samples_imports_none_of_the_readers_libraries(samples):
    """Does load_sample_documents() leave pypdf, python-docx, lxml, cryptography and Pillow unimported?"""
    doccache.ensure_sample_cache()
    code = ("import json, sys\nfrom shiplab.data import load_sample_documents\nn = len(load_sample_documents())\n"
            "print(json.dumps([n, sorted(m for m in ('pypdf', 'docx', 'lxml', 'cryptography', 'PIL') "
            "if m in sys.modules)]))")
    env = {**os.environ, "PYTHONPATH": SRC, "SHIPLAB_DATASETS": str(samples)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.splitlines()[-1]) == [42, []]


def test_any_other_file_is_read_and_a_copy_of_a_sample_is_found_by_its_bytes(samples, monkeypatch, tmp_path):
    """Is a participant's own PDF read, and a sample under another name found (its id and title rules still run)?"""
    doccache.ensure_sample_cache()
    own = tmp_path / "own"
    own.mkdir()
    pdf = next((samples / "documents").glob("*.pdf"))
    shutil.copy(pdf, own / "renamed.pdf")
    docx = next((samples / "documents").glob("*.docx"))
    data = docx.read_bytes()
    (own / "changed.docx").write_bytes(data)  # then changed: another zip comment makes other bytes, same text
    import zipfile

    with zipfile.ZipFile(own / "changed.docx", "a") as z:
        z.comment = b"a participant's own copy"
    seen = reads(monkeypatch)
    got = {d.id: d for d in load_documents(own)}
    assert seen == ["docx"]
    assert got["renamed"].provenance.source == "renamed.pdf"
    reference = {d.id: d for d in load_documents(samples / "documents")}
    assert got["renamed"].text == reference[pdf.stem].text and got["changed"].text == reference[docx.stem].text


@pytest.mark.parametrize("spoil", ["others-may-write", "truncated", "other-readers", "wrong-shape", "other-format"])
def test_a_cache_not_exactly_for_these_readers_or_writable_by_others_is_not_used(samples, monkeypatch, caplog, spoil):
    """Is a cache that others may write, damaged, made for other readers or with a wrong entry ignored as a whole,
    with a warning saying why, and every file read as without it?"""
    doccache.ensure_sample_cache()
    path = doccache.default_path()
    body = json.loads(path.read_text())
    if spoil == "others-may-write":
        path.chmod(0o666)
    elif spoil == "truncated":
        path.write_text(path.read_text()[:5000])
    elif spoil == "other-readers":
        path.write_text(json.dumps({**body, "identity": "0" * 64}))
    elif spoil == "wrong-shape":
        first = next(iter(body["entries"]))
        body["entries"][first]["sections"] = [["only a heading"]]
        path.write_text(json.dumps(body))
    else:
        path.write_text(json.dumps({**body, "version": 99}))
    seen = reads(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="shiplab.data.doccache"):
        docs = load_documents(samples / "documents")
    assert len(docs) == 42 and sorted(seen) == ["docx"] * 10 + ["pdf"] * 10
    assert any("Not using the document cache" in r.getMessage() for r in caplog.records)


def test_no_cache_reads_everything_silently(samples, monkeypatch, caplog):
    seen = reads(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="shiplab.data.doccache"):
        assert len(load_documents(samples / "documents")) == 42
    assert len(seen) == 20 and not caplog.records


def test_the_identity_changes_with_the_readers_and_their_libraries(monkeypatch):
    """Does another version of a library the readers use make another identity (so an old cache matches nothing)?"""
    import importlib.metadata

    before = doccache.reader_identity()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "0.0-other" if d == "pypdf" else real(d))
    doccache.reader_identity.cache_clear()
    try:
        assert doccache.reader_identity() != before
    finally:
        monkeypatch.undo()
        doccache.reader_identity.cache_clear()
    assert doccache.reader_identity() == before


def test_the_course_build_makes_the_cache_and_never_fails_for_it(samples, tmp_path):
    """Does building a lab that loads the sample documents make the cache (another lab leaves it alone), say "up to
    date" the second time, and is a cache that cannot be written a sentence, never a failed build?"""
    from shiplab.course.build import cache_sample_documents

    labs = tmp_path / "labs"
    for lab, body in (("docs", "documents = load_sample_documents()"), ("plain", "print(1)")):
        (labs / lab).mkdir(parents=True)
        (labs / lab / f"{lab}.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "source": body}]}))
    assert cache_sample_documents(labs, ["plain"]) is None and not (samples / "embeddings").exists()
    assert cache_sample_documents(labs, ["docs"]).endswith("files read")
    assert cache_sample_documents(labs, ["docs"]).endswith("up to date")
    shutil.rmtree(samples / "embeddings")
    (samples / "embeddings").write_text("a file where the folder should be")
    said = cache_sample_documents(labs, ["docs"])
    assert said.startswith("sample documents not cached") and "How to fix" in said
