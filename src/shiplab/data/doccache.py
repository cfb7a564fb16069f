"""A trusted, read-only cache of what the PDF and DOCX readers make of the sample documents: looked up instead of
read, so a lab kernel that loads the sample company's documents never imports pypdf, python-docx, lxml,
cryptography nor Pillow for them (~12 MB of every lab 4, 5 and 6 kernel's heap, and ~0.4 s of its set-up:
``bench/memory.py``).

The course's build (``shiplab course build``/``release``, or ``python -m shiplab.data.doccache``) reads the sample
PDF and DOCX files once and stores, for each, what :func:`~shiplab.data.documents.parse_document` takes from the
file — its text, sections and metadata; the id, classification check and title rules still run on every import.

**Exact, or not used.** An entry is keyed by ``sha256(identity, format, the file's bytes)``: any file's own
content is looked up, whatever its name or folder (a participant's own PDF is read, unless it is byte for byte a
sample). The *identity* (:func:`reader_identity`) names everything the readers' result depends on: the source of
``shiplab/data/documents.py`` (the readers) and of this module, the versions of pypdf, python-docx and lxml,
Python's version and its Unicode database. A file made for another identity, in another format, damaged, or
holding entries of the wrong shape, is ignored as a whole (a warning says why, once per process), and every file is
read as without a cache.

**Trusted, read-only.** Read from a fixed place beside the embedding cache, never from the notebook's folder nor the
working directory: ``<datasets>/embeddings/documents.cache.json`` (``$SHIPLAB_DATASETS``, else the ``datasets/`` of
the repository the package runs from). The instructor writes it (0644, folder 0755, replaced atomically); a file
that others than its owner may write, or in a folder anyone may write, is ignored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from shiplab.errors import ShiplabError

log = logging.getLogger("shiplab.data.doccache")

FILE_NAME = "documents.cache.json"
MAGIC = "shiplab-document-cache"
VERSION = 1
FORMATS = ("pdf", "docx")  # the readers that import heavy libraries; the others are read as before
LIBRARIES = ("pypdf", "python-docx", "lxml")
SOURCES = ("documents.py", "doccache.py")  # the readers (every helper they call is in documents.py), and this file
Parts = tuple[str, list[tuple[str, str]], dict[str, str]]  # text, sections, metadata


class DocumentCacheError(ShiplabError):
    """The cache cannot be written (reading never raises: a cache that cannot be used is not used)."""


@functools.cache
def reader_identity() -> str:
    """Everything a cached reading depends on, as one sha256 (see the module's docstring); computed once."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [MAGIC, f"version={VERSION}", f"python={sys.version_info[0]}.{sys.version_info[1]}",
             f"unicode={unicodedata.unidata_version}"]
    for dist in LIBRARIES:
        try:
            parts.append(f"{dist}={version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{dist}=none")
    here = Path(__file__).parent
    parts += [f"{name}={hashlib.sha256((here / name).read_bytes()).hexdigest()}" for name in SOURCES]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def key(fmt: str, data: bytes, identity: str | None = None) -> str:
    digest = hashlib.sha256(f"{identity or reader_identity()}\0{fmt}\0".encode("ascii"))
    digest.update(data)
    return digest.hexdigest()


def trusted_datasets() -> Path | None:
    """``$SHIPLAB_DATASETS``, else the repository's ``datasets/`` when it holds the sample documents: where both
    caches (this one and :mod:`shiplab.rag.embcache`) live."""
    env = os.environ.get("SHIPLAB_DATASETS")
    if env:
        return Path(env)
    from shiplab.settings import REPO_ROOT

    repo = REPO_ROOT / "datasets"
    return repo if (repo / "documents").is_dir() else None


def default_path() -> Path | None:
    datasets = trusted_datasets()
    return datasets / "embeddings" / FILE_NAME if datasets else None


def writable_by_others(path: Path) -> str | None:
    """Why a cache file beside the sample data may not be trusted (others may write it or its folder); None: it may.
    The embedding cache (:mod:`shiplab.rag.embcache`) asks the same."""
    mode = path.stat().st_mode
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"others may write it (mode {stat.S_IMODE(mode):o})"
    parent = path.resolve().parent.stat().st_mode
    if parent & stat.S_IWOTH:
        return f"anyone may write its folder (mode {stat.S_IMODE(parent):o})"
    return None


def _checked(raw, identity: str) -> dict[str, Parts]:
    if not isinstance(raw, dict) or raw.get("magic") != MAGIC or raw.get("version") != VERSION:
        raise ValueError("it is not a shiplab document cache of this format")
    if raw.get("identity") != identity:
        raise ValueError("it was made for other readers or library versions")
    entries = {}
    for k, entry in dict(raw["entries"]).items():
        text, sections, meta = entry["text"], entry["sections"], entry["meta"]
        if not (isinstance(text, str) and isinstance(meta, dict)
                and all(isinstance(a, str) and isinstance(b, str) for a, b in meta.items())
                and all(isinstance(s, list) and len(s) == 2 and all(isinstance(p, str) for p in s) for s in sections)):
            raise ValueError(f"its entry {k[:12]} is not a document's text, sections and metadata")
        entries[k] = (text, [(h, t) for h, t in sections], meta)
    return entries


@functools.lru_cache(maxsize=4)
def _opened(path: str, mtime_ns: int, size: int, identity: str) -> dict[str, Parts] | None:
    p = Path(path)
    try:
        why = writable_by_others(p)
        if why is None:
            return _checked(json.loads(p.read_bytes()), identity)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        why = f"cannot be read ({exc.strerror})" if isinstance(exc, OSError) else str(exc) or type(exc).__name__
    log.warning("Not using the document cache %s: %s; reading those documents instead.", path, why)
    return None


def entries() -> dict[str, Parts] | None:
    """The course's cache (see :func:`default_path`), opened once per process and version of the file; None when
    there is none or it cannot be used."""
    path = default_path()
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return _opened(str(path), st.st_mtime_ns, st.st_size, reader_identity())


def extracted(fmt: str, data: bytes, read: Callable[[bytes], Parts]) -> Parts:
    """``read(data)``'s text, sections and metadata: from the cache when it holds this file's bytes, else read."""
    found = entries() if fmt in FORMATS else None
    hit = found.get(key(fmt, data)) if found else None
    if hit is None:
        return read(data)
    text, sections, meta = hit
    return text, list(sections), dict(meta)


def write_readable(path: Path, data: bytes) -> None:
    """``data`` at ``path``, replacing it atomically (a reader sees the old file or the new one, never half), 0644 in
    a 0755 folder whatever the umask: every kernel's account reads the course's caches, only their maker writes them.
    Raises OSError."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True)
        path.parent.chmod(0o755)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_cache(path: Path, identity: str, parts: dict[str, Parts]) -> Path:
    """Write ``parts`` (key -> text, sections, metadata), replacing ``path`` atomically; 0644 in a 0755 folder."""
    body = {"magic": MAGIC, "version": VERSION, "identity": identity,
            "entries": {k: {"text": t, "sections": [list(s) for s in secs], "meta": m}
                        for k, (t, secs, m) in sorted(parts.items())}}
    try:
        write_readable(path, json.dumps(body).encode("utf-8"))
    except OSError as exc:
        raise DocumentCacheError(f"Cannot write the document cache {path}: {exc.strerror or exc}.",
                                 hint="Run the course's build as the account that owns that folder (root on a hub)."
                                 ) from exc
    return path


def ensure_sample_cache(path: str | Path | None = None, folder: str | Path | None = None) -> str:
    """Make the cache hold the PDF and DOCX files of ``folder`` (default: the sample documents), read now; an
    up-to-date file is left alone. What it did, in a sentence."""
    from shiplab.data.documents import FORMATS as SUFFIXES, reader_for

    datasets = trusted_datasets()
    target = Path(path) if path is not None else default_path()
    folder = Path(folder) if folder is not None else (datasets / "documents" if datasets else None)
    if target is None or folder is None or not folder.is_dir():
        raise DocumentCacheError("Cannot find the sample documents to cache.", hint="Set SHIPLAB_DATASETS.")
    identity = reader_identity()
    files = {}
    for file in sorted(p for p in folder.rglob("*")
                       if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)):
        fmt = SUFFIXES.get(file.suffix.lower())
        if fmt in FORMATS:
            data = file.read_bytes()
            files[key(fmt, data, identity)] = (fmt, data)
    try:
        old = _checked(json.loads(target.read_bytes()), identity) if not writable_by_others(target) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        old = None
    if old is not None and set(old) == set(files):
        return f"document cache {target}: {len(files)} sample PDF and DOCX files: up to date"
    parts = {k: reader_for(fmt)(data) for k, (fmt, data) in files.items()}
    # what could not come back from JSON as it was is not cached (the readers give text only: a guard)
    parts = {k: p for k, p in parts.items() if all(isinstance(v, str) for v in p[2].values())}
    write_cache(target, identity, parts)
    return f"document cache {target}: {len(parts)} sample PDF and DOCX files read"


if __name__ == "__main__":  # python -m shiplab.data.doccache: build or refresh the cache of the sample documents
    print(ensure_sample_cache())
