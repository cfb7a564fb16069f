"""A trusted, read-only cache of the sample texts' embeddings: looked up by a kernel instead of running the model.

Every participant's kernel, and every graded run of it, embeds the same sample texts: lab 5's set-up indexes the
handbook's ~300 chunks (~10.6 CPU-s of a graded notebook's ~21) and its cells embed the 96 gold questions again and
again. Those vectors are computed once, by the instructor's tooling (``shiplab course build``/``release``, or
``python -m shiplab.rag.embcache``), and stored in one file that every kernel may read and none may write.
:class:`~shiplab.rag.embeddings.LocalMiniLM` looks each text up there and runs the model only on what is missing —
a participant's own documents, a text the cache does not hold — and loads the model only when something is.

**Exact, or not used.** Each entry is keyed by ``sha256(identity + NUL + text)``. The *identity* (:func:`model_identity`)
is everything the vector depends on: the ONNX model's and the tokenizer's sha256, onnxruntime's version, the CPU
instruction sets onnxruntime picks its kernels by, the truncation length and the pooling. A vector in the cache is
the one :class:`~shiplab.models.minilm.MiniLMEncoder` gives that text (its vectors do not depend on the other texts of
a batch nor on the thread count: ``tests/rag/test_embedding_cache.py`` checks it). A file built for another model,
library version or CPU matches no key and is ignored as a whole.

**Never a wrong vector.** A missing file means computing everything, as without a cache. A file that is truncated,
has another format, dimension or identity, fails its body checksum (sha256 in the header) or holds a vector that is not
finite and of length 1, is ignored as a whole (a warning says why, once per process), and everything is computed.

**Trusted, read-only.** The file is read from a fixed place, never from the notebook's folder nor the working
directory (a graded kernel runs in the submission's folder, whose files the participant chose):
``$SHIPLAB_EMBED_CACHE`` when set (``off`` or empty: no cache) — the grading worker passes it on to the sandbox —,
else ``<datasets>/embeddings/<model>.cache`` beside the sample data (``$SHIPLAB_DATASETS``, else the ``datasets/``
of the repository the package runs from; unlike :func:`shiplab.data.api.datasets_dir`, never the working
directory's). The instructor writes it (0644, folder 0755, replaced atomically, so a reader sees the old file or the
new one); participants' servers read it as other users, and the graded kernel and the judge run as sandbox accounts
in a mount namespace where everything but the run's folder is read-only. A file that others than its owner may
write, or in a folder anyone may write, is ignored.

File format (little-endian): a 96-byte header — magic, format version, dimension, count, identity (32 bytes),
sha256 of the body (32 bytes) — then the body: ``count`` sorted 32-byte keys, then ``count x dimension`` float32.
It is read with ``mmap``: the pages are the page cache's, shared by every kernel on the machine (~0.6 MB for lab 5).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mmap
import os
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shiplab.data.doccache import trusted_datasets, writable_by_others, write_readable
from shiplab.errors import Exit, ShiplabError
from shiplab.models import minilm

log = logging.getLogger("shiplab.rag.embcache")

CACHE_ENV = "SHIPLAB_EMBED_CACHE"
FILE_NAME = f"{minilm.MODEL_ID}.cache"
MAGIC = b"SHIPLAB-EMBCACHE"
VERSION = 1
HEADER = struct.Struct("<16sIIQ32s32s")
KEY_BYTES = 32
POOLING = "mean-pool-l2-norm"
# CPU features onnxruntime chooses its kernels by: another set may round differently, so it is part of the identity
ISA_FLAGS = ("sse4_1", "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
             "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16", "asimd", "asimddp", "sve", "i8mm")


class EmbeddingCacheError(ShiplabError):
    """The cache file cannot be written (reading never raises: a cache that cannot be used is not used)."""


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cpu_features() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(("flags", "Features")):
                    have = set(line.split(":", 1)[1].split())
                    return ",".join(f for f in ISA_FLAGS if f in have)
    except OSError:
        pass
    import platform

    return platform.processor() or "unknown"


@functools.lru_cache(maxsize=8)
def model_identity(model_path: str | None = None) -> bytes:
    """32 bytes naming everything a vector depends on (see the module's docstring); computed once per process."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ort = version("onnxruntime")
    except PackageNotFoundError:
        ort = "none"
    model = Path(model_path) if model_path else minilm.wheel_model_path()
    parts = [minilm.MODEL_ID, f"model-sha256={_file_sha256(model)}", f"tokenizer-sha256={_file_sha256(minilm.TOKENIZER_PATH)}",
             f"onnxruntime={ort}", f"cpu={_cpu_features()}", f"max_tokens={minilm.MAX_TOKENS}", POOLING,
             f"dimension={minilm.DIMENSION}"]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).digest()


def text_key(identity: bytes, text: str) -> bytes:
    return hashlib.sha256(identity + b"\0" + text.encode("utf-8", "surrogatepass")).digest()


def default_path() -> Path | None:
    """Where the cache is read and written: ``$SHIPLAB_EMBED_CACHE``, else beside the sample data; None: no cache."""
    raw = os.environ.get(CACHE_ENV)
    if raw is not None:
        return None if raw.strip().lower() in ("", "off", "0", "none") else Path(raw)
    datasets = trusted_datasets()
    return datasets / "embeddings" / FILE_NAME if datasets else None


class EmbeddingCache:
    """An opened cache file: :meth:`lookup` returns the vectors it holds, and which texts it does not."""

    def __init__(self, path: Path, identity: bytes, index: dict[bytes, int], vectors: np.ndarray):
        self.path, self.identity, self._index, self._vectors = path, identity, index, vectors

    def __len__(self) -> int:
        return len(self._index)

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r}, {len(self)} vectors)"

    def get(self, text: str) -> np.ndarray | None:
        row = self._index.get(text_key(self.identity, text))
        return None if row is None else np.array(self._vectors[row])

    def lookup(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """(one float32 row per text: the cached vector, zeros where missing; the positions of the missing texts)."""
        out = np.zeros((len(texts), self._vectors.shape[1]), dtype=np.float32)
        missing = []
        for i, text in enumerate(texts):
            row = self._index.get(text_key(self.identity, text))
            if row is None:
                missing.append(i)
            else:
                out[i] = self._vectors[row]
        return out, missing

    def items(self) -> dict[bytes, np.ndarray]:
        """key -> vector for every entry (to build a new file from an old one)."""
        return {key: self._vectors[row] for key, row in self._index.items()}


def open_cache(path: str | Path, identity: bytes | None = None) -> EmbeddingCache | None:
    """The cache at ``path`` if it exists, is trusted, intact and made for ``identity`` (default: this model here);
    else None, with a warning saying why (none for a file that does not exist)."""
    path = Path(path)
    try:
        why = writable_by_others(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        why = f"cannot be read ({exc.strerror})"
    if why is None:
        try:
            return _read(path, identity if identity is not None else model_identity())
        except (OSError, ValueError) as exc:
            why = str(exc) if isinstance(exc, ValueError) else f"cannot be read ({exc.strerror or exc})"
    log.warning("Not using the embedding cache %s: %s; embedding those texts with the model instead.", path, why)
    return None


def _read(path: Path, identity: bytes) -> EmbeddingCache | None:
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size < HEADER.size:
            raise ValueError(f"it is truncated ({size} bytes)")
        mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    magic, version, dim, count, made_for, body_sha = HEADER.unpack_from(mapped)
    if magic != MAGIC or version != VERSION:
        raise ValueError("it is not a shiplab embedding cache of this format")
    if dim != minilm.DIMENSION:
        raise ValueError(f"its vectors have {dim} dimensions, the model {minilm.DIMENSION}")
    if made_for != identity:
        raise ValueError("it was made for another model, library version or CPU")
    if size != HEADER.size + count * (KEY_BYTES + 4 * dim):
        raise ValueError(f"its size ({size} bytes) does not match its {count} entries: truncated or damaged")
    body = memoryview(mapped)[HEADER.size:]
    if hashlib.sha256(body).digest() != body_sha:
        raise ValueError("its checksum does not match: damaged")
    keys = bytes(body[: count * KEY_BYTES])
    vectors = np.frombuffer(mapped, dtype="<f4", count=count * dim, offset=HEADER.size + count * KEY_BYTES)
    vectors = vectors.reshape(count, dim)
    norms = np.linalg.norm(vectors, axis=1)
    if not (np.isfinite(vectors).all() and np.all(np.abs(norms - 1.0) < 1e-3)):
        raise ValueError("it holds vectors that are not finite unit vectors")
    index = {keys[i * KEY_BYTES:(i + 1) * KEY_BYTES]: i for i in range(count)}
    return EmbeddingCache(path, identity, index, vectors)


def write_cache(path: str | Path, identity: bytes, entries: dict[bytes, np.ndarray]) -> Path:
    """Write ``entries`` (key -> vector) to ``path``, replacing it atomically; the file 0644, its folder 0755."""
    path = Path(path)
    keys = sorted(entries)
    vectors = (np.stack([np.asarray(entries[k], dtype="<f4") for k in keys]) if keys
               else np.zeros((0, minilm.DIMENSION), dtype="<f4"))
    body = b"".join(keys) + vectors.astype("<f4").tobytes()
    header = HEADER.pack(MAGIC, VERSION, minilm.DIMENSION, len(keys), identity, hashlib.sha256(body).digest())
    try:
        write_readable(path, header + body)
    except OSError as exc:
        raise EmbeddingCacheError(f"Cannot write the embedding cache {path}: {exc.strerror or exc}.",
                                  hint="Run the course's build as the account that owns that folder (root on a hub), "
                                       f"or point {CACHE_ENV} at a file in a folder you may write and others only "
                                       "read.") from exc
    return path


@functools.lru_cache(maxsize=4)
def _opened(path: str, mtime_ns: int, size: int) -> EmbeddingCache | None:
    return open_cache(path)


def default_cache() -> EmbeddingCache | None:
    """The course's cache of sample texts (see :func:`default_path`), opened once per process and version of the file;
    None when there is none or it cannot be used."""
    path = default_path()
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return None
    return _opened(str(path), st.st_mtime_ns, st.st_size)


def sample_texts() -> list[str]:
    """The course's own texts that kernels embed: every sample document cut by heading (as labs 4, 5 and 6 index
    them, each as :func:`~shiplab.rag.chunking.retrieval_text`), then the gold questions (retrieval queries)."""
    from shiplab.data import load_sample_documents
    from shiplab.rag.chunking import chunk_documents, retrieval_text
    from shiplab.rag.evaluate import load_gold

    datasets = trusted_datasets()
    if datasets is None:
        raise EmbeddingCacheError("Cannot find the sample datasets to cache.", hint="Set SHIPLAB_DATASETS.")
    texts = [retrieval_text(c) for c in chunk_documents(load_sample_documents(), "heading")]
    texts += [q["question"] for q in load_gold(datasets / "gold" / "questions.jsonl")]
    return list(dict.fromkeys(texts))


@dataclass
class CacheReport:
    path: Path
    texts: int
    computed: int
    written: bool

    def __str__(self) -> str:
        if not self.written:
            return f"embedding cache {self.path}: {self.texts} sample texts"
        return (f"embedding cache {self.path}: {self.texts} sample texts, {self.computed} embedded now, "
                f"{self.texts - self.computed} kept")


def ensure_sample_cache(path: str | Path | None = None, texts: Sequence[str] | None = None,
                        encoder: minilm.MiniLMEncoder | None = None) -> CacheReport:
    """Make the cache hold exactly ``texts`` (default: :func:`sample_texts`); safe to re-run: an up-to-date file is
    left alone, and vectors already in it are kept, not computed again."""
    target = Path(path) if path is not None else default_path()
    if target is None:
        raise EmbeddingCacheError(f"No place for the embedding cache ({CACHE_ENV} is off).",
                                  hint=f"Unset {CACHE_ENV} or set it to a file path.")
    texts = list(dict.fromkeys(texts if texts is not None else sample_texts()))
    identity = model_identity()
    wanted = {text_key(identity, t): t for t in texts}
    old = open_cache(target, identity)
    have = old.items() if old is not None else {}
    if old is not None and set(have) == set(wanted):
        return CacheReport(target, len(texts), 0, False)
    todo = [t for k, t in wanted.items() if k not in have]
    encoder = encoder or minilm.shared_encoder(minilm.DEFAULT_THREADS)
    computed = {}
    for start in range(0, len(todo), minilm.DEFAULT_BATCH_SIZE):
        part = todo[start:start + minilm.DEFAULT_BATCH_SIZE]
        computed.update(zip((text_key(identity, t) for t in part), encoder.encode(part)))
    entries = {k: (have[k] if k in have else computed[k]) for k in wanted}
    write_cache(target, identity, entries)
    return CacheReport(target, len(texts), len(todo), True)


def main() -> int:
    """``python -m shiplab.rag.embcache``: build or refresh the cache of the sample texts; a cache it cannot write is
    its sentence and the table's code (:class:`shiplab.errors.Exit`), not a traceback."""
    try:
        print(ensure_sample_cache())
    except ShiplabError as exc:
        print(f"sample embedding cache: {exc}", file=sys.stderr)
        return exc.exit_code
    return Exit.OK


if __name__ == "__main__":
    sys.exit(main())
