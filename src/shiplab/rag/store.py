"""A chromadb directory per participant, written by one process at a time.

Layout: ``<root>/<participant>/`` is a chromadb ``PersistentClient`` directory holding that participant's
collections (``root`` defaults to ``$SHIPLAB_CHROMA_ROOT`` or ``~/.shiplab/chroma``). :func:`collection_for`
returns a langchain-chroma ``Chroma`` vector store on it, so everything langchain does with a vector store works.

Rules kept here, so a notebook cannot break them by accident:

- **One writer per directory.** chromadb keeps an in-memory index per process; two processes writing one directory
  corrupt it. Opening a directory takes an exclusive ``flock`` on ``<dir>/.shiplab-writer.lock`` (the kernel drops it
  when the process dies, so a crashed kernel never leaves a stale lock). A second process gets a
  :class:`StoreBusyError` naming the holder's pid. :func:`release` lets the directory go without ending the process.
- **Never chromadb's default embedding function** (it downloads a model): collections are created with
  :class:`~shiplab.rag.embeddings.ShiplabEmbeddingFunction`, persisted in the collection's config, so a plain
  ``chromadb`` client that has imported ``shiplab.rag`` reopens them with the right model.
- **Names chromadb accepts**: 3-512 characters of ``[a-zA-Z0-9._-]``, starting and ending alphanumeric.
  :func:`safe_name` maps anything (e-mail addresses as user names) to such a name, adding a short hash when it had
  to change the name so two different names never collide.
- **Idempotent ingest**: :func:`upsert_chunks` upserts by chunk id and removes a document's chunks that a new
  chunking no longer produces.
- **Indexing deferred where nobody may search** (``SHIPLAB_DEFER_INDEXING=1``, set for the grading judge): the judge
  runs a lab's locked set-up cells to define what its tests use, and building the lab's index there (embedding
  every chunk: ~11 CPU-s of lab 5's set-up) is wasted when no test searches it, the participant's kernel having
  built its own. :func:`collection_for` then returns a store whose :func:`upsert_chunks` removes stale chunks at
  once but embeds and writes the new ones only when the store is first used for anything else (a search, a
  ``get``, its collection), so every read through the store sees what an eager upsert would have written. Only a
  second client of the same directory would not.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from shiplab.errors import ShiplabError
from shiplab.footprint import release_freed_memory
from shiplab.rag.chunking import retrieval_text
from shiplab.rag.embeddings import ShiplabEmbeddingFunction, default_embeddings

ROOT_ENV = "SHIPLAB_CHROMA_ROOT"
DEFER_ENV = "SHIPLAB_DEFER_INDEXING"
LOCK_NAME = ".shiplab-writer.lock"
_VALID = re.compile(r"^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{1,510})[a-zA-Z0-9]$")
_open: dict[Path, tuple[int, object]] = {}  # directory -> (lock fd, chromadb client)
_open_guard = threading.Lock()


class StoreError(ShiplabError):
    """A vector store cannot be opened or written."""


class StoreBusyError(StoreError):
    """Another process is the writer of this store directory."""


def default_root() -> Path:
    return Path(os.environ.get(ROOT_ENV) or Path.home() / ".shiplab" / "chroma")


def safe_name(raw: str) -> str:
    """A chromadb-valid name for ``raw``: unchanged if already valid, else cleaned + 6 hex chars of its hash."""
    raw = str(raw)
    if _VALID.match(raw) and ".." not in raw and not re.fullmatch(r"[\d.]+", raw):
        return raw
    if not raw.strip():
        raise StoreError("A store or collection name is empty.", hint="Give a participant/collection name.")
    cleaned = re.sub(r"[^a-zA-Z0-9._-]+", "-", raw).strip("._-")
    cleaned = re.sub(r"\.{2,}", ".", cleaned)[:40] or "x"
    return f"{cleaned}-{hashlib.sha1(raw.encode('utf-8')).hexdigest()[:6]}"


def participant_dir(user: str, root: str | Path | None = None) -> Path:
    return Path(root if root is not None else default_root()) / safe_name(user)


def _lock(directory: Path) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    lock_path = directory / LOCK_NAME
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise StoreBusyError(
            f"The vector store {directory} is already open for writing in another process (pid {holder}).",
            hint="Use the store from that process, or shut that notebook kernel down (or call "
            "shiplab.rag.store.release there) and try again.",
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
    return fd


def open_client(directory: str | Path):
    """The chromadb client of ``directory``, taking the writer lock on first use in this process."""
    import chromadb
    from chromadb.config import Settings

    directory = Path(directory).resolve()
    with _open_guard:
        if directory in _open:
            return _open[directory][1]
        fd = _lock(directory)
        try:
            client = chromadb.PersistentClient(
                path=str(directory), settings=Settings(anonymized_telemetry=False, allow_reset=False)
            )
        except Exception:
            os.close(fd)
            raise
        _open[directory] = (fd, client)
        return client


def release(directory: str | Path) -> bool:
    """Close this process's client of ``directory`` and drop its writer lock. True if it was open."""
    directory = Path(directory).resolve()
    with _open_guard:
        entry = _open.pop(directory, None)
    if entry is None:
        return False
    fd, client = entry
    try:
        client.close()
    finally:
        os.close(fd)  # closing the descriptor releases the flock
    return True


def collection_for(user: str, name: str = "documents", *, root: str | Path | None = None,
                   embeddings: Embeddings | None = None):
    """The langchain ``Chroma`` store of ``user``'s collection ``name`` (created on first use, cosine distance).

    ``embeddings`` defaults to :func:`~shiplab.rag.embeddings.default_embeddings` (gateway if configured, else local).
    """
    from langchain_chroma import Chroma

    client = open_client(participant_dir(user, root))
    collection = safe_name(name)
    client.get_or_create_collection(
        collection, embedding_function=ShiplabEmbeddingFunction(), configuration={"hnsw": {"space": "cosine"}}
    )
    kind = _deferring(Chroma) if os.environ.get(DEFER_ENV) == "1" else Chroma
    return kind(client=client, collection_name=collection, embedding_function=embeddings or default_embeddings())


PENDING = "_shiplab_pending"  # a deferring store's writes not done yet (see the module's docstring)


@functools.cache
def _deferring(base: type) -> type:
    """``base`` (langchain's ``Chroma``) whose writes by :func:`upsert_chunks` wait until the store is next used."""

    def __getattribute__(self, name):
        if not name.startswith("__") and name != PENDING:
            pending = object.__getattribute__(self, "__dict__").get(PENDING)
            while pending:
                pending.pop(0)()
        return base.__getattribute__(self, name)

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        self.__dict__[PENDING] = []

    return type(f"Deferred{base.__name__}", (base,), {"__init__": __init__, "__getattribute__": __getattribute__,
                                                       "__module__": __name__})


def _chunk_id(doc: Document) -> str:
    cid = doc.id or doc.metadata.get("chunk_id")
    if not cid:
        raise StoreError(
            "A chunk has no id, so upserting it twice would duplicate it.",
            hint="Make chunks with shiplab.rag.chunking (they carry chunk_id), or set Document.id.",
        )
    return str(cid)


def upsert_chunks(store, chunks: Iterable[Document], *, batch_size: int | None = None) -> dict[str, int]:
    """Insert or replace ``chunks`` by id; remove older chunks of the same documents that are no longer produced.

    Each chunk is embedded as :func:`~shiplab.rag.chunking.retrieval_text` (title and section, then the chunk) and
    stored with its ``page_content`` and metadata unchanged.

    Safe to re-run: ingesting the same chunks twice leaves the collection as after once.
    Returns counts ``{"upserted": n, "removed": m}``.
    """
    chunks = list(chunks)
    ids = [_chunk_id(c) for c in chunks]
    if len(set(ids)) != len(ids):
        dupes = sorted({i for i in ids if ids.count(i) > 1})[:3]
        raise StoreError(f"Chunk ids repeat within one upsert: {', '.join(dupes)}.",
                         hint="Give each chunk of each document a distinct id.")
    deferred = getattr(store, "__dict__", {}).get(PENDING)  # a list: the store defers its writes
    while deferred:  # an earlier deferred write first: the stale chunks below are found as after it
        deferred.pop(0)()
    read = object.__getattribute__ if deferred is not None else getattr  # its own parts, without flushing
    collection = read(store, "_collection")
    batch = batch_size or min(collection._client.get_max_batch_size(), 1024)
    wanted = set(ids)
    doc_ids = sorted({str(c.metadata["doc_id"]) for c in chunks if "doc_id" in c.metadata})
    stale: list[str] = []
    for start in range(0, len(doc_ids), 500):
        found = collection.get(where={"doc_id": {"$in": doc_ids[start : start + 500]}}, include=[])
        stale.extend(i for i in found["ids"] if i not in wanted)
    for start in range(0, len(stale), batch):
        collection.delete(ids=stale[start : start + batch])

    def write() -> None:
        embeddings = read(store, "embeddings")
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            vectors = embeddings.embed_documents([retrieval_text(c) for c in part])
            collection.upsert(ids=ids[start : start + batch], embeddings=vectors,
                              documents=[c.page_content for c in part],
                              metadatas=[dict(c.metadata) or None for c in part])
        release_freed_memory()  # the batches' vectors and JSON are garbage now (shiplab.footprint)

    if deferred is not None:
        deferred.append(write)
    else:
        write()
    return {"upserted": len(chunks), "removed": len(stale)}


def stored_documents(store) -> list[Document]:
    """Every chunk in the store as a ``Document`` (with its id) — e.g. to build a BM25 index over the same chunks."""
    got = store._collection.get(include=["documents", "metadatas"])
    return [
        Document(page_content=text or "", metadata=dict(meta or {}), id=cid)
        for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"])
    ]
